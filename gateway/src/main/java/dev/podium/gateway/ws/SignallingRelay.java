package dev.podium.gateway.ws;

import dev.podium.api.RoomMessageRouting;
import dev.podium.api.protocol.ClientMessage;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.runtime.rooms.RoomChannel;
import io.vertx.core.Vertx;

/**
 * WebRTC signalling between participants of one event ({@code webrtc_offer}, {@code webrtc_answer},
 * {@code ice_candidate}). The payload is relayed verbatim with the sender added; with {@code to}
 * only that user gets it, without it everyone else in the room does (the old server's behaviour).
 * Nothing here needs a permission: it is routing, and the room-service is not involved.
 */
final class SignallingRelay {
  private final Vertx vertx;
  private final RoomChannel roomChannel;

  SignallingRelay(Vertx vertx) {
    this.vertx = vertx;
    this.roomChannel = new RoomChannel(vertx);
  }

  /** Relays a checked signal; its size and the sender's rate were checked before it got here. */
  void relay(Session from, ClientRequest signal) {
    String to = signal.target();
    String name = from.identity().username();
    ServerMessage relayed;
    if (signal.message() instanceof ClientMessage.WebrtcOffer offer) {
      relayed = new ServerMessage.WebrtcOffer(offer.offer(), from.userId(), name, to);
    } else if (signal.message() instanceof ClientMessage.WebrtcAnswer answer) {
      relayed = new ServerMessage.WebrtcAnswer(answer.answer(), from.userId(), name, to);
    } else if (signal.message() instanceof ClientMessage.IceCandidate candidate) {
      relayed = new ServerMessage.IceCandidate(candidate.candidate(), from.userId(), name, to);
    } else {
      throw new IllegalArgumentException("not a signal: " + signal.type());
    }
    RoomMessageRouting routing =
        to != null
            ? RoomMessageRouting.ROOM.toUser(to)
            : RoomMessageRouting.ROOM.exceptUser(from.userId());
    roomChannel.publish(from.eventId(), ProtocolCodec.toJson(relayed), routing);
  }
}
