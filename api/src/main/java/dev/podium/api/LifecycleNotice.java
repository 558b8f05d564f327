package dev.podium.api;

import io.vertx.core.json.JsonObject;

/**
 * What the room-service publishes on {@link Addresses#ROOM_LIFECYCLE}: {@code {kind, event}} where
 * {@code event} is the event's public description ({@code event_id, host:{user_id, username},
 * started_at, mode}).
 */
public final class LifecycleNotice {
  private LifecycleNotice() {}

  public static final String STARTED = "started";
  public static final String MODE_CHANGED = "mode_changed";
  public static final String ENDED = "ended";

  public static JsonObject of(String kind, JsonObject event) {
    return new JsonObject().put("kind", kind).put("event", event);
  }
}
