package dev.podium.gateway.ws;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of one event loop, per event. Only that loop touches them. The node's {@link
 * RoomFeeds} receives each room message once and hands it here, already encoded, as one task per
 * loop; this class writes it to the loop's sockets of the room. Built on its loop.
 */
public final class LocalRooms {
  private final Context context;
  private final Thread thread = Thread.currentThread();
  private final RoomFeeds feeds;
  private final Map<String, Set<Session>> rooms = new HashMap<>();

  public LocalRooms(Vertx vertx, RoomFeeds feeds) {
    this.context = vertx.getOrCreateContext();
    this.feeds = feeds;
  }

  /** Adds the session; completes once this node receives the room's events and media. */
  public Future<Void> attach(Session session, String mode) {
    if (!rooms.computeIfAbsent(session.eventId(), e -> new LinkedHashSet<>()).add(session)) {
      return Future.succeededFuture();
    }
    return feeds.attach(this, session, mode);
  }

  public void detach(Session session) {
    Set<Session> room = rooms.get(session.eventId());
    if (room == null || !room.remove(session)) {
      return;
    }
    if (room.isEmpty()) {
      rooms.remove(session.eventId());
    }
    feeds.detach(this, session);
  }

  /** The sessions of an event on this loop (a copy). */
  public List<Session> sessions(String eventId) {
    Set<Session> room = rooms.get(eventId);
    return room == null ? List.of() : new ArrayList<>(room);
  }

  boolean isUnheard(String eventId) {
    return feeds.isUnheard(eventId);
  }

  boolean isScreenMode(String eventId) {
    return feeds.isScreenMode(eventId);
  }

  void rememberScreenInit(String eventId, Buffer init) {
    feeds.rememberScreenInit(eventId, init);
  }

  long nextScreenSequence() {
    return feeds.nextScreenSequence();
  }

  /**
   * Runs the task on this loop: at once when already there, else queued behind the loop's work (in
   * order).
   */
  void run(Runnable task) {
    Loops.run(context, thread, task);
  }

  void deliver(String eventId, RoomMessageDelivery delivery) {
    Set<Session> room = rooms.get(eventId);
    if (room != null) {
      delivery.deliverTo(new ArrayList<>(room));
    }
  }

  void deliverAudio(String eventId, AudioFanout.Tick tick) {
    Set<Session> room = rooms.get(eventId);
    if (room != null) {
      tick.deliver(room);
    }
  }

  void deliverScreen(String eventId, Buffer framed, Buffer raw) {
    Set<Session> room = rooms.get(eventId);
    if (room == null) {
      return;
    }
    for (Session s : room) {
      if (!s.isHost()) {
        s.sendBinary(s.framed() ? framed : raw);
      }
    }
  }
}
