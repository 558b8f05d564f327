package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.RoomEventHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * WebRTC signalling between participants of one event ({@code webrtc_offer}, {@code webrtc_answer},
 * {@code ice_candidate}). The payload is relayed verbatim with the sender added; with {@code to}
 * only that user gets it, without it everyone else in the room does (the old server's behaviour).
 * Nothing here needs a permission: it is routing, and the room-service is not involved.
 */
final class SignallingRelay {
  private final Vertx vertx;

  SignallingRelay(Vertx vertx) {
    this.vertx = vertx;
  }

  void relay(Session from, JsonObject msg, String payloadField) {
    if (!msg.containsKey(payloadField) || msg.getValue(payloadField) == null) {
      throw new BadRequest(dev.podium.api.ErrorCode.BAD_REQUEST, "Field '" + payloadField + "' is required");
    }
    String to = msg.getValue("to") == null ? null : BadRequest.requireId(msg, "to");
    JsonObject relayed = new JsonObject()
        .put("type", msg.getString("type"))
        .put(payloadField, msg.getValue(payloadField))
        .put("from", from.userId())
        .put("username", from.identity().username());
    DeliveryOptions options = new DeliveryOptions();
    if (to != null) {
      relayed.put("to", to);
      options.addHeader(RoomEventHeaders.TO_USER, to);
    } else {
      options.addHeader(RoomEventHeaders.EXCEPT_USER, from.userId());
    }
    vertx.eventBus().publish(Addresses.roomEvents(from.eventId()), relayed, options);
  }
}
