package dev.podium.history;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes records into PostgreSQL, one transaction per batch, one prepared statement per kind of
 * record. Every statement is an upsert on the record's natural key that only moves a row forward (a
 * visit's start only earlier, its end only later, roles only added, a chat line or a ban only
 * once), so a record written twice, or after a later one, leaves the same row.
 */
final class PgRecords implements RecordSink {
  static final String EVENT_STARTED =
      "INSERT INTO events (event_id, host_user_id, host_username, mode, started_at)"
          + " VALUES ($1, $2, $3, $4, $5)"
          + " ON CONFLICT (event_id) DO UPDATE SET host_user_id = EXCLUDED.host_user_id,"
          + " host_username = EXCLUDED.host_username, started_at = EXCLUDED.started_at";

  static final String MODE_CHANGED =
      "INSERT INTO events (event_id, host_user_id, host_username, mode, started_at)"
          + " VALUES ($1, $2, $3, $4, $5)"
          + " ON CONFLICT (event_id) DO UPDATE SET mode = EXCLUDED.mode";

  static final String EVENT_ENDED =
      "INSERT INTO events (event_id, host_user_id, host_username, mode, started_at, ended_at,"
          + " end_reason) VALUES ($1, $2, $3, $4, $5, $6, $7)"
          + " ON CONFLICT (event_id) DO UPDATE SET ended_at = EXCLUDED.ended_at,"
          + " end_reason = EXCLUDED.end_reason";

  static final String JOINED =
      "INSERT INTO attendance (event_id, session_id, user_id, username, roles, joined_at)"
          + " VALUES ($1, $2, $3, $4, ARRAY[$5]::text[], $6)"
          + " ON CONFLICT (event_id, session_id) DO UPDATE SET username = EXCLUDED.username,"
          + " joined_at = LEAST(attendance.joined_at, EXCLUDED.joined_at),"
          + " roles = ARRAY(SELECT DISTINCT unnest(attendance.roles || EXCLUDED.roles) ORDER BY 1)";

  static final String LEFT =
      "INSERT INTO attendance (event_id, session_id, user_id, username, left_at)"
          + " VALUES ($1, $2, $3, $3, $4)"
          + " ON CONFLICT (event_id, session_id) DO UPDATE"
          + " SET left_at = GREATEST(attendance.left_at, EXCLUDED.left_at)";

  static final String ROLE_GAINED =
      "INSERT INTO attendance (event_id, session_id, user_id, username, roles)"
          + " VALUES ($1, $2, $3, $3, ARRAY[$4]::text[])"
          + " ON CONFLICT (event_id, session_id) DO UPDATE"
          + " SET roles = ARRAY(SELECT DISTINCT unnest(attendance.roles || EXCLUDED.roles) ORDER BY 1)";

  static final String CHAT_LINE =
      "INSERT INTO chat_messages (event_id, id, user_id, username, message, sent_at)"
          + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id, id) DO NOTHING";

  static final String BANNED =
      "INSERT INTO bans (event_id, user_id, by_user_id, banned_at) VALUES ($1, $2, $3, $4)"
          + " ON CONFLICT (event_id, user_id) DO NOTHING";

  static final String RECORDING =
      "INSERT INTO recordings (recording_id, event_id, started_at, file, duration_ms, bytes,"
          + " stopped_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
          + " ON CONFLICT (recording_id) DO UPDATE SET"
          + " duration_ms = GREATEST(recordings.duration_ms, EXCLUDED.duration_ms),"
          + " bytes = GREATEST(recordings.bytes, EXCLUDED.bytes),"
          + " stopped_at = COALESCE(recordings.stopped_at, EXCLUDED.stopped_at)";

  static final String RECORDING_GAP =
      "INSERT INTO recording_gaps (recording_id, from_ms, to_ms) VALUES ($1, $2, $3)"
          + " ON CONFLICT (recording_id, from_ms) DO UPDATE"
          + " SET to_ms = GREATEST(recording_gaps.to_ms, EXCLUDED.to_ms)";

  private final Pool pool;

  PgRecords(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> write(List<HistoryRecord> records) {
    Map<String, List<Tuple>> bySql = new LinkedHashMap<>();
    for (HistoryRecord record : records) {
      Statement statement = statement(record);
      bySql.computeIfAbsent(statement.sql(), s -> new ArrayList<>()).add(statement.params());
    }
    return pool.withTransaction(connection -> writeAll(connection, bySql))
        .recover(
            e -> Future.failedFuture(isDataError(e) ? new RecordsRejected(e.getMessage(), e) : e));
  }

  private static Future<Void> writeAll(SqlConnection connection, Map<String, List<Tuple>> bySql) {
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, List<Tuple>> kind : bySql.entrySet()) {
      chain =
          chain.compose(
              v ->
                  connection.preparedQuery(kind.getKey()).executeBatch(kind.getValue()).mapEmpty());
    }
    return chain;
  }

  /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
  private static boolean isDataError(Throwable e) {
    return e instanceof PgException pg
        && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
  }

  /** A record's statement and its parameters. */
  private record Statement(String sql, Tuple params) {}

  // Java 17 has no pattern matching in switch: one instanceof per kind of the sealed interface.
  private static Statement statement(HistoryRecord record) {
    if (record instanceof HistoryRecord.EventStarted r) {
      return new Statement(
          EVENT_STARTED,
          Tuple.of(
              r.eventId(),
              text(r.hostUserId()),
              text(r.hostUsername()),
              r.mode(),
              at(r.startedAt())));
    }
    if (record instanceof HistoryRecord.ModeChanged r) {
      return new Statement(
          MODE_CHANGED,
          Tuple.of(
              r.eventId(),
              text(r.hostUserId()),
              text(r.hostUsername()),
              r.mode(),
              at(r.startedAt())));
    }
    if (record instanceof HistoryRecord.EventEnded r) {
      return new Statement(
          EVENT_ENDED,
          Tuple.tuple()
              .addString(r.eventId())
              .addString(text(r.hostUserId()))
              .addString(text(r.hostUsername()))
              .addString(r.mode())
              .addOffsetDateTime(at(r.startedAt()))
              .addOffsetDateTime(at(r.endedAt()))
              .addString(r.reason()));
    }
    if (record instanceof HistoryRecord.Joined r) {
      return new Statement(
          JOINED,
          Tuple.of(
              r.eventId(),
              r.sessionId(),
              text(r.userId()),
              text(r.username()),
              r.role(),
              at(r.at())));
    }
    if (record instanceof HistoryRecord.Left r) {
      return new Statement(
          LEFT, Tuple.of(r.eventId(), r.sessionId(), text(r.userId()), at(r.at())));
    }
    if (record instanceof HistoryRecord.RoleGained r) {
      return new Statement(
          ROLE_GAINED, Tuple.of(r.eventId(), r.sessionId(), text(r.userId()), r.role()));
    }
    if (record instanceof HistoryRecord.ChatLine r) {
      return new Statement(
          CHAT_LINE,
          Tuple.of(
              r.eventId(),
              r.id(),
              text(r.userId()),
              text(r.username()),
              text(r.message()),
              at(r.at())));
    }
    if (record instanceof HistoryRecord.RecordingProgress r) {
      return new Statement(
          RECORDING,
          Tuple.tuple()
              .addString(r.recordingId())
              .addString(r.eventId())
              .addOffsetDateTime(at(r.startedAt()))
              .addString(r.file())
              .addLong(r.durationMs())
              .addLong(r.bytes())
              .addOffsetDateTime(r.stoppedAt() == null ? null : at(r.stoppedAt())));
    }
    if (record instanceof HistoryRecord.RecordingGap r) {
      return new Statement(RECORDING_GAP, Tuple.of(r.recordingId(), r.fromMs(), r.toMs()));
    }
    HistoryRecord.Banned r = (HistoryRecord.Banned) record;
    return new Statement(
        BANNED, Tuple.of(r.eventId(), text(r.userId()), text(r.byUserId()), at(r.at())));
  }

  private static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /**
   * PostgreSQL text cannot hold U+0000, which JSON and so a chat message can: it is kept as U+FFFD
   * rather than losing the message.
   */
  static String text(String value) {
    return value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
  }
}
