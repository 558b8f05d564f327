package dev.podium.history;

import dev.podium.api.LifecycleNotice;
import dev.podium.api.history.HistoryNotice;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One thing to write into the record, parsed from a {@link HistoryNotice} or a {@link
 * LifecycleNotice}. Each is keyed so that writing it twice or out of order changes nothing (see
 * {@code PgRecords}).
 */
sealed interface HistoryRecord {
  String eventId();

  record EventStarted(
      String eventId, String hostUserId, String hostUsername, String mode, Instant startedAt)
      implements HistoryRecord {}

  record ModeChanged(
      String eventId, String hostUserId, String hostUsername, String mode, Instant startedAt)
      implements HistoryRecord {}

  record EventEnded(
      String eventId,
      String hostUserId,
      String hostUsername,
      String mode,
      Instant startedAt,
      Instant endedAt,
      String reason)
      implements HistoryRecord {}

  record Joined(
      String eventId, String sessionId, String userId, String username, String role, Instant at)
      implements HistoryRecord {}

  record Left(String eventId, String sessionId, String userId, Instant at)
      implements HistoryRecord {}

  record RoleGained(String eventId, String sessionId, String userId, String role)
      implements HistoryRecord {}

  record ChatLine(
      String eventId, long id, String userId, String username, String message, Instant at)
      implements HistoryRecord {}

  record Banned(String eventId, String userId, String byUserId, Instant at)
      implements HistoryRecord {}

  record RecordingProgress(
      String eventId,
      String recordingId,
      Instant startedAt,
      String file,
      long durationMs,
      long bytes,
      Instant stoppedAt)
      implements HistoryRecord {}

  record RecordingGap(String eventId, String recordingId, long fromMs, long toMs)
      implements HistoryRecord {}

  /** The record a {@link HistoryNotice} asks for; empty when the notice is malformed. */
  static Optional<HistoryRecord> fromNotice(JsonObject n) {
    try {
      String kind = n.getString("kind");
      String eventId = required(n, "event_id");
      HistoryRecord record =
          switch (kind == null ? "" : kind) {
            case HistoryNotice.JOINED ->
                new Joined(
                    eventId,
                    required(n, "session_id"),
                    required(n, "user_id"),
                    required(n, "username"),
                    required(n, "role"),
                    instant(n, "at"));
            case HistoryNotice.LEFT ->
                new Left(
                    eventId, required(n, "session_id"), required(n, "user_id"), instant(n, "at"));
            case HistoryNotice.ROLE ->
                new RoleGained(
                    eventId,
                    required(n, "session_id"),
                    required(n, "user_id"),
                    required(n, "role"));
            case HistoryNotice.CHAT ->
                new ChatLine(
                    eventId,
                    n.getLong("id"),
                    required(n, "user_id"),
                    required(n, "username"),
                    required(n, "message"),
                    instant(n, "at"));
            case HistoryNotice.BANNED ->
                new Banned(
                    eventId, required(n, "user_id"), required(n, "by_user_id"), instant(n, "at"));
            case HistoryNotice.RECORDING ->
                new RecordingProgress(
                    eventId,
                    required(n, "recording_id"),
                    instant(n, "at"),
                    required(n, "file"),
                    nonNegative(n, "duration_ms"),
                    nonNegative(n, "bytes"),
                    n.containsKey("stopped_at") ? instant(n, "stopped_at") : null);
            case HistoryNotice.RECORDING_GAP ->
                new RecordingGap(
                    eventId,
                    required(n, "recording_id"),
                    nonNegative(n, "from_ms"),
                    nonNegative(n, "to_ms"));
            default -> null;
          };
      return Optional.ofNullable(record);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static long nonNegative(JsonObject json, String key) {
    long value = json.getLong(key);
    if (value < 0) {
      throw new IllegalArgumentException(key + " is negative");
    }
    return value;
  }

  /** The record a room lifecycle notice asks for; empty when it is malformed. */
  static Optional<HistoryRecord> fromLifecycle(JsonObject notice) {
    try {
      JsonObject event = notice.getJsonObject("event");
      String eventId = required(event, "event_id");
      JsonObject host = event.getJsonObject("host");
      String hostId = required(host, "user_id");
      String hostName = host.getString("username", hostId);
      String mode = event.getString("mode", "audio");
      Instant started = instant(event, "started_at");
      HistoryRecord record =
          switch (notice.getString("kind", "")) {
            case LifecycleNotice.STARTED ->
                new EventStarted(eventId, hostId, hostName, mode, started);
            case LifecycleNotice.MODE_CHANGED ->
                new ModeChanged(eventId, hostId, hostName, mode, started);
            case LifecycleNotice.ENDED ->
                new EventEnded(
                    eventId,
                    hostId,
                    hostName,
                    mode,
                    started,
                    notice.containsKey("ended_at") ? instant(notice, "ended_at") : Instant.now(),
                    notice.getString("reason", "unknown"));
            default -> null;
          };
      return Optional.ofNullable(record);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String required(JsonObject json, String key) {
    String value = json.getString(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return value;
  }

  private static Instant instant(JsonObject json, String key) {
    try {
      return Instant.parse(required(json, key));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(key + " is not an instant", e);
    }
  }
}
