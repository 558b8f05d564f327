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

  /** Relays a parsed message; its size and the sender's rate were checked before it got here. */
  void relay(Session from, ClientCommand.Signal signal) {
    String to = signal.to();
    JsonObject relayed = new JsonObject()
        .put("type", signal.type())
        .put(signal.payloadField(), signal.payload())
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
