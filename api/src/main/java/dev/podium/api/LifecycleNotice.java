package dev.podium.api;

import io.vertx.core.json.JsonObject;

/**
 * What the room-service publishes on {@link Addresses#ROOM_LIFECYCLE}: {@code {kind, event}} where
 * {@code event} is the event's public description ({@code event_id, host:{user_id, username},
 * started_at, mode}). An {@code ended} notice also says why ({@code reason}: {@link #HOST_ENDED},
 * {@link #HOST_LOST}) and when ({@code ended_at}).
 */
public final class LifecycleNotice {
  private LifecycleNotice() {}

  public static final String STARTED = "started";
  public static final String MODE_CHANGED = "mode_changed";

  /**
   * The host started or stopped recording: the event's description then has (or no longer has) a
   * {@code recording} {@code {recording_id, started_at}}.
   */
  public static final String RECORDING_CHANGED = "recording_changed";

  public static final String ENDED = "ended";

  /** The host ended the event. */
  public static final String HOST_ENDED = "host_ended";

  /** The host's connection was lost and they did not come back within the grace period. */
  public static final String HOST_LOST = "host_lost";

  public static JsonObject of(String kind, JsonObject event) {
    return new JsonObject().put("kind", kind).put("event", event);
  }

  public static JsonObject ended(JsonObject event, String reason, java.time.Instant at) {
    return of(ENDED, event).put("reason", reason).put("ended_at", at.toString());
  }
}
