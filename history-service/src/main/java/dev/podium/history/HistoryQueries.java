package dev.podium.history;

import dev.podium.api.ErrorCode;
import dev.podium.api.history.HistoryService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * The history-service behind its proxy: reads of the record. Only an event's host reads it. Pages
 * of a host's events go by a cursor (the last event's start and id), so a page stays right while
 * new events are written; the transcript goes by message id, attendance by offset.
 */
final class HistoryQueries implements HistoryService {
  /** Most messages one page of the transcript returns. */
  static final int MAX_CHAT_PAGE = 1000;

  /** Furthest offset into an event's attendance. */
  static final int MAX_OFFSET = 10_000_000;

  /**
   * An event with what its record counts. Listeners are everyone but the host; the peak is the most
   * visits open at once (a visit that never heard its end closes with the event).
   */
  private static final String SUMMARY =
      "SELECT e.event_id, e.host_user_id, e.host_username, e.title, e.mode, e.started_at,"
          + " e.ended_at, e.end_reason,"
          + " (SELECT count(DISTINCT a.user_id) FROM attendance a"
          + "   WHERE a.event_id = e.event_id AND a.user_id <> e.host_user_id) AS unique_listeners,"
          + " (SELECT count(*) FROM attendance a WHERE a.event_id = e.event_id) AS visits,"
          + " (SELECT count(*) FROM chat_messages c WHERE c.event_id = e.event_id) AS chat_count,"
          + " (SELECT count(*) FROM bans b WHERE b.event_id = e.event_id) AS ban_count,"
          + " (SELECT coalesce(max(n), 0) FROM (SELECT sum(d) OVER (ORDER BY t, d"
          + "   ROWS UNBOUNDED PRECEDING) AS n FROM ("
          + "     SELECT a.joined_at AS t, 1 AS d FROM attendance a WHERE a.event_id = e.event_id"
          + "       AND a.user_id <> e.host_user_id AND a.joined_at IS NOT NULL"
          + "     UNION ALL"
          + "     SELECT coalesce(a.left_at, e.ended_at), -1 FROM attendance a"
          + "       WHERE a.event_id = e.event_id AND a.user_id <> e.host_user_id"
          + "       AND a.joined_at IS NOT NULL AND coalesce(a.left_at, e.ended_at) IS NOT NULL"
          + "   ) AS steps) AS running) AS peak_listeners"
          + " FROM events e";

  private final Pool pool;

  HistoryQueries(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<JsonObject> events(String hostId, String before, int limit) {
    if (hostId == null || hostId.isBlank()) {
      return bad("host is required");
    }
    if (limit < 1 || limit > MAX_PAGE) {
      return bad("limit must be 1 to " + MAX_PAGE);
    }
    Cursor cursor;
    try {
      cursor = before == null ? null : Cursor.parse(before);
    } catch (IllegalArgumentException e) {
      return bad("before is not a cursor this service gave");
    }
    String sql =
        SUMMARY
            + " WHERE e.host_user_id = $1"
            + (cursor == null ? "" : " AND (e.started_at, e.event_id) < ($3, $4)")
            + " ORDER BY e.started_at DESC, e.event_id DESC LIMIT $2";
    Tuple params = Tuple.of(hostId, limit + 1);
    if (cursor != null) {
      params.addOffsetDateTime(cursor.startedAt()).addString(cursor.eventId());
    }
    return query(sql, params)
        .map(
            rows -> {
              JsonArray events = new JsonArray();
              String next = null;
              Row last = null;
              for (Row row : rows) {
                if (events.size() == limit) {
                  next =
                      new Cursor(last.getOffsetDateTime("started_at"), last.getString("event_id"))
                          .encode();
                  break;
                }
                events.add(summary(row));
                last = row;
              }
              return new JsonObject().put("events", events).put("next", next);
            });
  }

  @Override
  public Future<JsonObject> event(String eventId, String requesterId) {
    return hostedBy(eventId, requesterId)
        .compose(v -> query(SUMMARY + " WHERE e.event_id = $1", Tuple.of(eventId)))
        .map(rows -> summary(rows.iterator().next()))
        .compose(
            summary ->
                query(
                        "SELECT r.recording_id, r.started_at, r.stopped_at, r.duration_ms, r.bytes,"
                            + " coalesce((SELECT json_agg(json_build_object('from_ms', g.from_ms,"
                            + " 'to_ms', g.to_ms) ORDER BY g.from_ms) FROM recording_gaps g"
                            + " WHERE g.recording_id = r.recording_id), '[]'::json) AS gaps"
                            + " FROM recordings r WHERE r.event_id = $1 ORDER BY r.started_at",
                        Tuple.of(eventId))
                    .map(
                        rows -> {
                          JsonArray recordings = new JsonArray();
                          for (Row row : rows) {
                            recordings.add(
                                new JsonObject()
                                    .put("recording_id", row.getString("recording_id"))
                                    .put("started_at", instant(row.getOffsetDateTime("started_at")))
                                    .put("stopped_at", instant(row.getOffsetDateTime("stopped_at")))
                                    .put("duration_seconds", row.getLong("duration_ms") / 1000.0)
                                    .put("bytes", row.getLong("bytes"))
                                    .put("gaps", gaps(row.getValue("gaps"))));
                          }
                          return summary.put("recordings", recordings);
                        }));
  }

  @Override
  public Future<JsonObject> recording(String eventId, String requesterId, String recordingId) {
    if (recordingId != null && !recordingId.matches("[a-z0-9]{1,64}")) {
      return bad("not a recording id");
    }
    return hostedBy(eventId, requesterId)
        .compose(
            v ->
                query(
                    "SELECT recording_id, file, bytes, duration_ms, started_at, stopped_at"
                        + " FROM recordings WHERE event_id = $1"
                        + " AND ($2::text IS NULL OR recording_id = $2)"
                        + " ORDER BY started_at DESC LIMIT 1",
                    Tuple.of(eventId, recordingId)))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    ErrorCode.NOT_FOUND.exception("This event has no such recording"));
              }
              Row row = rows.iterator().next();
              return Future.succeededFuture(
                  new JsonObject()
                      .put("recording_id", row.getString("recording_id"))
                      .put("file", row.getString("file"))
                      .put("bytes", row.getLong("bytes"))
                      .put("duration_ms", row.getLong("duration_ms"))
                      .put("started_at", instant(row.getOffsetDateTime("started_at")))
                      .put("stopped_at", instant(row.getOffsetDateTime("stopped_at"))));
            });
  }

  private static JsonObject chatLine(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("user_id", row.getString("user_id"))
        .put("username", row.getString("username"))
        .put("message", row.getString("message"))
        .put("timestamp", instant(row.getOffsetDateTime("sent_at")));
  }

  private static JsonArray gaps(Object value) {
    if (value instanceof JsonArray array) {
      return array;
    }
    return value == null ? new JsonArray() : new JsonArray(String.valueOf(value));
  }

  @Override
  public Future<JsonObject> chat(String eventId, String requesterId, long after, int limit) {
    if (limit < 1 || limit > MAX_CHAT_PAGE) {
      return bad("limit must be 1 to " + MAX_CHAT_PAGE);
    }
    if (after < 0) {
      return bad("after must not be negative");
    }
    return hostedBy(eventId, requesterId)
        .compose(
            v ->
                query(
                    "SELECT id, user_id, username, message, sent_at FROM chat_messages"
                        + " WHERE event_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                    Tuple.of(eventId, after, limit + 1)))
        .map(
            rows -> {
              JsonArray messages = new JsonArray();
              Long next = null;
              for (Row row : rows) {
                if (messages.size() == limit) {
                  next = messages.getJsonObject(limit - 1).getLong("id");
                  break;
                }
                messages.add(chatLine(row));
              }
              return new JsonObject().put("messages", messages).put("next", next);
            });
  }

  @Override
  public Future<JsonObject> recentChat(String eventId, int limit) {
    if (eventId == null || eventId.isBlank()) {
      return bad("event_id is required");
    }
    if (limit < 0 || limit > MAX_RECENT_CHAT) {
      return bad("limit must be 0 to " + MAX_RECENT_CHAT);
    }
    Future<Long> lastId =
        query(
                "SELECT coalesce(max(id), 0) AS last_id FROM chat_messages WHERE event_id = $1",
                Tuple.of(eventId))
            .map(rows -> rows.iterator().next().getLong("last_id"));
    Future<JsonArray> newest =
        limit == 0
            ? Future.succeededFuture(new JsonArray())
            : query(
                    "SELECT id, user_id, username, message, sent_at FROM chat_messages"
                        + " WHERE event_id = $1 ORDER BY id DESC LIMIT $2",
                    Tuple.of(eventId, limit))
                .map(
                    rows -> {
                      java.util.ArrayList<JsonObject> lines = new java.util.ArrayList<>();
                      for (Row row : rows) {
                        lines.add(chatLine(row));
                      }
                      java.util.Collections.reverse(lines);
                      return new JsonArray(new java.util.ArrayList<Object>(lines));
                    });
    return Future.all(lastId, newest)
        .map(
            v -> new JsonObject().put("last_id", lastId.result()).put("messages", newest.result()));
  }

  @Override
  public Future<JsonObject> attendance(String eventId, String requesterId, int offset, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      return bad("limit must be 1 to " + MAX_PAGE);
    }
    if (offset < 0 || offset > MAX_OFFSET) {
      return bad("offset must be 0 to " + MAX_OFFSET);
    }
    return hostedBy(eventId, requesterId)
        .compose(
            v ->
                query(
                    "SELECT a.user_id, a.username, a.roles, a.joined_at,"
                        + " coalesce(a.left_at, e.ended_at) AS left_at,"
                        + " count(*) OVER () AS total"
                        + " FROM attendance a JOIN events e ON e.event_id = a.event_id"
                        + " WHERE a.event_id = $1 AND a.joined_at IS NOT NULL"
                        + " ORDER BY a.joined_at, a.session_id OFFSET $2 LIMIT $3",
                    Tuple.of(eventId, offset, limit)))
        .compose(
            rows -> {
              JsonArray visits = new JsonArray();
              long total = -1;
              for (Row row : rows) {
                total = row.getLong("total");
                visits.add(
                    new JsonObject()
                        .put("user_id", row.getString("user_id"))
                        .put("username", row.getString("username"))
                        .put(
                            "roles",
                            new JsonArray(java.util.List.of(row.getArrayOfStrings("roles"))))
                        .put("joined_at", instant(row.getOffsetDateTime("joined_at")))
                        .put("left_at", instant(row.getOffsetDateTime("left_at"))));
              }
              // A page past the end has no row to carry the total: count apart.
              Future<Long> counted =
                  total >= 0
                      ? Future.succeededFuture(total)
                      : query(
                              "SELECT count(*) AS total FROM attendance"
                                  + " WHERE event_id = $1 AND joined_at IS NOT NULL",
                              Tuple.of(eventId))
                          .map(r -> r.iterator().next().getLong("total"));
              return counted.map(
                  n ->
                      new JsonObject()
                          .put("attendance", visits)
                          .put("offset", offset)
                          .put("limit", limit)
                          .put("total", n));
            });
  }

  /** Succeeds when the event is in the record and {@code requesterId} is its host. */
  private Future<Void> hostedBy(String eventId, String requesterId) {
    if (eventId == null || eventId.isBlank()) {
      return bad("an event id is required");
    }
    return query("SELECT host_user_id FROM events WHERE event_id = $1", Tuple.of(eventId))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    ErrorCode.EVENT_NOT_FOUND.exception("No event " + eventId + " in the record"));
              }
              if (!rows.iterator().next().getString("host_user_id").equals(requesterId)) {
                return Future.failedFuture(
                    ErrorCode.NOT_HOST.exception("Only the event's host may read its record"));
              }
              return Future.succeededFuture();
            });
  }

  private Future<RowSet<Row>> query(String sql, Tuple params) {
    return pool.preparedQuery(sql)
        .execute(params)
        .recover(
            e ->
                Future.failedFuture(
                    ErrorCode.SERVICE_UNAVAILABLE.exception(
                        "The history database did not answer: " + e.getMessage())));
  }

  private static JsonObject summary(Row row) {
    OffsetDateTime started = row.getOffsetDateTime("started_at");
    OffsetDateTime ended = row.getOffsetDateTime("ended_at");
    long duration =
        Duration.between(started, ended != null ? ended : OffsetDateTime.now(ZoneOffset.UTC))
            .toSeconds();
    return new JsonObject()
        .put("event_id", row.getString("event_id"))
        .put(
            "host",
            new JsonObject()
                .put("user_id", row.getString("host_user_id"))
                .put("username", row.getString("host_username")))
        .put("title", row.getString("title"))
        .put("mode", row.getString("mode"))
        .put("started_at", instant(started))
        .put("ended_at", instant(ended))
        .put("end_reason", row.getString("end_reason"))
        .put("live", ended == null)
        .put("duration_seconds", Math.max(0, duration))
        .put("peak_listeners", row.getLong("peak_listeners"))
        .put("unique_listeners", row.getLong("unique_listeners"))
        .put("visits", row.getLong("visits"))
        .put("chat_messages", row.getLong("chat_count"))
        .put("bans", row.getLong("ban_count"));
  }

  private static String instant(OffsetDateTime at) {
    return at == null ? null : at.toInstant().toString();
  }

  private static <T> Future<T> bad(String message) {
    return Future.failedFuture(ErrorCode.BAD_REQUEST.exception(message));
  }

  /** Where a page of a host's events starts: just before this event. Opaque to clients. */
  record Cursor(OffsetDateTime startedAt, String eventId) {
    String encode() {
      long micros =
          startedAt.toInstant().getEpochSecond() * 1_000_000
              + startedAt.toInstant().getNano() / 1000;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((micros + ":" + eventId).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String text) {
      if (text.length() > 200) {
        throw new IllegalArgumentException("too long");
      }
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      if (colon <= 0 || colon == plain.length() - 1) {
        throw new IllegalArgumentException("malformed");
      }
      long micros = Long.parseLong(plain.substring(0, colon));
      java.time.Instant at =
          java.time.Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000);
      return new Cursor(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), plain.substring(colon + 1));
    }
  }
}
