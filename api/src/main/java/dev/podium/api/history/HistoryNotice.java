package dev.podium.api.history;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the services tell the history-service on {@link dev.podium.api.Addresses#HISTORY_NOTICES}
 * (fire and forget: the sender never waits for the database). Each notice is keyed so that writing
 * it twice, or in another order than it was sent, leaves the same record: a visit by its socket's
 * session id, a chat line by its id in the event, a ban by event and user. Event starts and ends
 * come from the room-service's lifecycle notices instead.
 */
public final class HistoryNotice {
  private HistoryNotice() {}

  public static final String JOINED = "joined";
  public static final String LEFT = "left";
  public static final String ROLE = "role";
  public static final String CHAT = "chat";
  public static final String BANNED = "banned";
  public static final String RECORDING = "recording";
  public static final String RECORDING_GAP = "recording_gap";

  /** A socket of the user joined the event (one visit per session). */
  public static JsonObject joined(
      String eventId, String sessionId, String userId, String username, String role, Instant at) {
    return base(JOINED, eventId, at)
        .put("session_id", sessionId)
        .put("user_id", userId)
        .put("username", username)
        .put("role", role);
  }

  /** The visit of this session ended (left, replaced by another socket, or its gateway died). */
  public static JsonObject left(String eventId, String sessionId, String userId, Instant at) {
    return base(LEFT, eventId, at).put("session_id", sessionId).put("user_id", userId);
  }

  /** The visitor of this session now holds {@code role} (it keeps the roles it held before). */
  public static JsonObject role(
      String eventId, String sessionId, String userId, String role, Instant at) {
    return base(ROLE, eventId, at)
        .put("session_id", sessionId)
        .put("user_id", userId)
        .put("role", role);
  }

  /** An accepted chat message, with its id in the event (1, 2, 3, ...). */
  public static JsonObject chat(
      String eventId, long id, String userId, String username, String text, Instant at) {
    return base(CHAT, eventId, at)
        .put("id", id)
        .put("user_id", userId)
        .put("username", username)
        .put("message", text);
  }

  /** The host removed the user from the event, who may not come back. */
  public static JsonObject banned(String eventId, String userId, String byUserId, Instant at) {
    return base(BANNED, eventId, at).put("user_id", userId).put("by_user_id", byUserId);
  }

  /**
   * Where a recording stands: written when it starts, every few seconds while it runs, and when it
   * stops ({@code stoppedAt} then set). {@code durationMs} and {@code bytes} only grow.
   */
  public static JsonObject recording(
      String eventId,
      String recordingId,
      Instant startedAt,
      String file,
      long durationMs,
      long bytes,
      Instant stoppedAt) {
    JsonObject json =
        base(RECORDING, eventId, startedAt)
            .put("recording_id", recordingId)
            .put("file", file)
            .put("duration_ms", durationMs)
            .put("bytes", bytes);
    if (stoppedAt != null) {
      json.put("stopped_at", stoppedAt.toString());
    }
    return json;
  }

  /**
   * Part of a recording was not recorded (its recorder died and another took over): the file holds
   * silence from {@code fromMs} to {@code toMs} of the recording's time.
   */
  public static JsonObject recordingGap(
      String eventId, String recordingId, long fromMs, long toMs, Instant at) {
    return base(RECORDING_GAP, eventId, at)
        .put("recording_id", recordingId)
        .put("from_ms", fromMs)
        .put("to_ms", toMs);
  }

  private static JsonObject base(String kind, String eventId, Instant at) {
    return new JsonObject().put("kind", kind).put("event_id", eventId).put("at", at.toString());
  }
}
