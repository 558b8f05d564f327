package dev.podium.api.room;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonObject;

/** A live event (a room) as the room-service describes it to other services. */
@DataObject
public final class LiveEvent {
  private final String eventId;
  private final String hostUserId;
  private final String hostUsername;
  private final String startedAt;
  private final String mode;
  private final boolean resumed;
  private final JsonObject recording;

  public LiveEvent(
      String eventId,
      String hostUserId,
      String hostUsername,
      String startedAt,
      String mode,
      boolean resumed) {
    this(eventId, hostUserId, hostUsername, startedAt, mode, resumed, null);
  }

  /**
   * @param recording the recording in progress, {@code {recording_id, started_at}}, or null
   */
  public LiveEvent(
      String eventId,
      String hostUserId,
      String hostUsername,
      String startedAt,
      String mode,
      boolean resumed,
      JsonObject recording) {
    this.eventId = eventId;
    this.hostUserId = hostUserId;
    this.hostUsername = hostUsername;
    this.startedAt = startedAt;
    this.mode = mode;
    this.resumed = resumed;
    this.recording = recording;
  }

  public LiveEvent(JsonObject json) {
    this(
        json.getString("event_id"),
        json.getJsonObject("host", new JsonObject()).getString("user_id"),
        json.getJsonObject("host", new JsonObject()).getString("username"),
        json.getString("started_at"),
        json.getString("mode", "audio"),
        json.getBoolean("resumed", false),
        json.getJsonObject("recording"));
  }

  public String eventId() {
    return eventId;
  }

  public String hostUserId() {
    return hostUserId;
  }

  public String hostUsername() {
    return hostUsername;
  }

  public String startedAt() {
    return startedAt;
  }

  /** {@code "audio"} or {@code "screen"}. */
  public String mode() {
    return mode;
  }

  /** True when go-live re-attached the host to an event that was already running. */
  public boolean resumed() {
    return resumed;
  }

  /** The recording in progress, {@code {recording_id, started_at}}, or null when not recorded. */
  public JsonObject recording() {
    return recording;
  }

  public JsonObject host() {
    return new JsonObject().put("user_id", hostUserId).put("username", hostUsername);
  }

  /**
   * The event's public description, as it appears in the active-streams list and in lifecycle
   * notices.
   */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("event_id", eventId)
            .put("host", host())
            .put("started_at", startedAt)
            .put("mode", mode)
            .put("resumed", resumed);
    if (recording != null) {
      json.put("recording", recording);
    }
    return json;
  }
}
