package dev.podium.gateway.ws;

import dev.podium.api.RoomMessageRouting;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One room message as this node received it: encoded once (on the node's room thread) and its
 * headers read once ({@link RoomMessageRouting}), then handed to every event loop with sockets in
 * the room, where {@link #deliverTo} applies its side effects to each session (a role or mute
 * change of that user) and writes the same bytes to each recipient. Immutable, so loops share it.
 */
final class RoomMessageDelivery {
  private final EncodedText text;
  private final String type;
  private final RoomMessageRouting routing;

  private RoomMessageDelivery(JsonObject body, RoomMessageRouting routing) {
    this.text = EncodedText.of(body);
    this.type = body.getString("type");
    this.routing = routing;
  }

  static RoomMessageDelivery of(JsonObject body, RoomMessageRouting routing) {
    return new RoomMessageDelivery(body, routing);
  }

  /** Runs on the event loop of these sessions; {@code sessions} is that loop's own copy. */
  void deliverTo(List<Session> sessions) {
    String toUser = routing.toUser();
    for (Session s : sessions) {
      if (routing.roleUser() != null && routing.roleUser().equals(s.userId())) {
        s.role(routing.role());
        // Leaving the stage clears the room-service's mute too; a later return starts unmuted.
        s.muted(false);
      }
      if (routing.mutedUser() != null && routing.mutedUser().equals(s.userId())) {
        s.muted(routing.muted());
      }
      if ((toUser == null || toUser.equals(s.userId()))
          && !s.userId().equals(routing.exceptUser())) {
        try {
          s.send(text);
          if (routing.closeRecipients()) {
            s.closeNormally(type);
          }
        } catch (IllegalStateException closedMeanwhile) {
          // One socket closing under us must not cost the others this message.
        }
      }
    }
  }
}
