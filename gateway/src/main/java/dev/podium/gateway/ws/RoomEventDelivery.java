package dev.podium.gateway.ws;

import dev.podium.api.RoomEventHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One room event as this node received it: encoded once (on the node's room thread) and read
 * from its headers once, then handed to every event loop with sockets in the room, where
 * {@link #deliverTo} applies its side effects to each session (a role or mute change of that
 * user) and writes the same bytes to each recipient. Immutable, so loops share it.
 */
final class RoomEventDelivery {
  private final EncodedText text;
  private final String type;
  private final String toUser;
  private final String exceptUser;
  private final String roleUser;
  private final String role;
  private final String mutedUser;
  private final boolean muted;
  private final boolean closes;

  private RoomEventDelivery(JsonObject body, MultiMap headers) {
    this.text = EncodedText.of(body);
    this.type = body.getString("type");
    this.toUser = headers.get(RoomEventHeaders.TO_USER);
    this.exceptUser = headers.get(RoomEventHeaders.EXCEPT_USER);
    this.roleUser = headers.get(RoomEventHeaders.ROLE_USER);
    this.role = headers.get(RoomEventHeaders.ROLE);
    this.mutedUser = headers.get(RoomEventHeaders.MUTED_USER);
    this.muted = "true".equals(headers.get(RoomEventHeaders.MUTED));
    this.closes = "true".equals(headers.get(RoomEventHeaders.CLOSE_RECIPIENTS));
  }

  static RoomEventDelivery of(JsonObject body, MultiMap headers) {
    return new RoomEventDelivery(body, headers);
  }

  /** Runs on the event loop of these sessions; {@code sessions} is that loop's own copy. */
  void deliverTo(List<Session> sessions) {
    for (Session s : sessions) {
      if (roleUser != null && roleUser.equals(s.userId())) {
        s.role(role);
        // Leaving the stage clears the room-service's mute too; a later return starts unmuted.
        s.muted(false);
      }
      if (mutedUser != null && mutedUser.equals(s.userId())) {
        s.muted(muted);
      }
      if ((toUser == null || toUser.equals(s.userId())) && !s.userId().equals(exceptUser)) {
        try {
          s.send(text);
          if (closes) {
            s.closeNormally(type);
          }
        } catch (IllegalStateException closedMeanwhile) {
          // One socket closing under us must not cost the others this message.
        }
      }
    }
  }
}
