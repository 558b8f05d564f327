package dev.podium.api.presence;

import io.vertx.core.json.JsonObject;

/**
 * A presence-service instance that took an event over asks every gateway node for its sessions of
 * the event, published on {@code Addresses.PRESENCE_RESYNC}; each node answers at {@code replyTo}
 * with {@link ResyncBatch}es. The one place the body {@code {event_id, reply_to}} is written and
 * read.
 */
public record ResyncRequest(String eventId, String replyTo) {

  public ResyncRequest {
    if (eventId == null || eventId.isEmpty() || replyTo == null || replyTo.isEmpty()) {
      throw new IllegalArgumentException("a resync request names its event and where to answer");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("event_id", eventId).put("reply_to", replyTo);
  }

  /**
   * Reads a body back.
   *
   * @throws IllegalArgumentException when it is not an object with {@code event_id} and {@code
   *     reply_to} strings
   */
  public static ResyncRequest fromJson(Object body) {
    if (!(body instanceof JsonObject json)
        || !(json.getValue("event_id") instanceof String eventId)
        || !(json.getValue("reply_to") instanceof String replyTo)) {
      throw new IllegalArgumentException("a resync request is {event_id, reply_to}, not " + body);
    }
    return new ResyncRequest(eventId, replyTo);
  }
}
