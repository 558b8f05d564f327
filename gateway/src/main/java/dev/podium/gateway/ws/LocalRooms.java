package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.RoomEventHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's sockets per event, and the one event-bus consumer per event that feeds them.
 * A room event arrives once per node, is encoded once, and the same text goes to every local
 * socket of the room.
 */
public final class LocalRooms {
  private final Vertx vertx;
  private final Map<String, LocalRoom> rooms = new HashMap<>();

  private static final class LocalRoom {
    final Set<Session> sessions = new LinkedHashSet<>();
    MessageConsumer<JsonObject> consumer;
    Future<Void> ready;
  }

  public LocalRooms(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Adds the session; completes once this node receives the room's events. */
  public Future<Void> attach(Session session) {
    LocalRoom room = rooms.get(session.eventId());
    if (room == null) {
      LocalRoom created = new LocalRoom();
      created.consumer = vertx.eventBus().consumer(Addresses.roomEvents(session.eventId()),
          msg -> deliver(created, msg));
      created.ready = created.consumer.completion();
      rooms.put(session.eventId(), created);
      room = created;
    }
    room.sessions.add(session);
    return room.ready;
  }

  public void detach(Session session) {
    LocalRoom room = rooms.get(session.eventId());
    if (room != null && room.sessions.remove(session) && room.sessions.isEmpty()) {
      rooms.remove(session.eventId());
      room.consumer.unregister();
    }
  }

  /** The sessions of an event on this node (a copy). */
  public List<Session> sessions(String eventId) {
    LocalRoom room = rooms.get(eventId);
    return room == null ? List.of() : new ArrayList<>(room.sessions);
  }

  /** Number of events with at least one socket on this node. */
  public int roomCount() {
    return rooms.size();
  }

  private void deliver(LocalRoom room, Message<JsonObject> msg) {
    EncodedText text = EncodedText.of(msg.body());
    String toUser = msg.headers().get(RoomEventHeaders.TO_USER);
    String exceptUser = msg.headers().get(RoomEventHeaders.EXCEPT_USER);
    String roleUser = msg.headers().get(RoomEventHeaders.ROLE_USER);
    boolean closes = "true".equals(msg.headers().get(RoomEventHeaders.CLOSE_RECIPIENTS));
    for (Session s : new ArrayList<>(room.sessions)) {
      if (roleUser != null && roleUser.equals(s.userId())) {
        s.role(msg.headers().get(RoomEventHeaders.ROLE));
      }
      if ((toUser == null || toUser.equals(s.userId())) && !s.userId().equals(exceptUser)) {
        s.send(text);
        if (closes) {
          s.closeNormally(msg.body().getString("type"));
        }
      }
    }
  }
}
