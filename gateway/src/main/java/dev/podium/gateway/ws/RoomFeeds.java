package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.RoomMessageRouting;
import dev.podium.api.media.MediaDemand;
import dev.podium.api.media.MediaPacket;
import dev.podium.runtime.rooms.RoomInbox;
import dev.podium.runtime.rooms.RoomRoutes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's subscriptions to rooms: per event with sockets on this node, whichever event loops
 * those sockets are on, one route in the cluster's {@link RoomRoutes} (a cluster write), by which
 * the room's messages and media reach the node's one {@link RoomInbox}. Everything here runs on one
 * context, the node's room thread ({@code home}): a message arrives there once per node, is encoded
 * (or framed) there once, and goes to each event loop holding sockets of the room as one task
 * carrying the ready bytes; each loop writes them to its own sockets ({@link LocalRooms}). A loop's
 * tasks run in the order they were queued, so no socket sees a room's messages out of order. Loops
 * tell this class when their first socket of a room arrives and their last leaves (also as tasks,
 * in order); the node counts Opus sockets that want the room mix over all loops ({@link MixDemand})
 * and keeps the screen-share state of each room.
 */
public final class RoomFeeds {
  private static final String SCREEN_INIT_MAP = Addresses.SCREEN_INIT_MAP;

  /**
   * How long a relay's "nobody hears this room" holds without being repeated (it repeats every
   * second).
   */
  static final long UNHEARD_HOLD_NANOS = 2_000_000_000L;

  private final Vertx vertx;
  private final Context home;
  private final MediaStats stats;
  private final MixDemand demand;
  private final RoomInbox inbox;

  /** Written on {@code home} only; concurrent because loops ask for a room's mode. */
  private final Map<String, Feed> feeds = new ConcurrentHashMap<>();

  private final AtomicLong screenSequence = new AtomicLong();

  private final class Feed {
    final String eventId;
    final RoomRoutes.Route route;
    final Future<Void> ready;
    final AudioFanout audio = new AudioFanout();

    /** Sockets of the room per event loop. */
    final Map<LocalRooms, Integer> loops = new LinkedHashMap<>();

    volatile String mode;

    /**
     * Until when (nanoTime) the relay's last "nobody hears this room" holds; read by every loop.
     */
    volatile long unheardUntil = System.nanoTime();

    Buffer screenInit;

    Feed(String eventId, String mode) {
      this.eventId = eventId;
      this.mode = mode;
      this.route = inbox.follow(eventId);
      this.ready = route.ready();
    }
  }

  /**
   * Must be built on {@code home}, the context whose thread owns every room subscription of the
   * node.
   */
  public RoomFeeds(Vertx vertx, String nodeId, MediaStats stats) {
    this.vertx = vertx;
    this.home = vertx.getOrCreateContext();
    this.stats = stats;
    this.inbox =
        RoomInbox.open(
            vertx,
            nodeId,
            (eventId, msg) -> {
              Feed feed = feeds.get(eventId);
              if (feed != null) {
                deliver(feed, msg);
              }
            },
            (eventId, msg) -> {
              Feed feed = feeds.get(eventId);
              if (feed != null) {
                deliverMedia(feed, msg);
              }
            });
    this.demand =
        new MixDemand(
            new MixDemand.Timers() {
              @Override
              public long every(long millis, Runnable action) {
                return vertx.setPeriodic(millis, id -> action.run());
              }

              @Override
              public void cancel(long id) {
                vertx.cancelTimer(id);
              }
            },
            (eventId, mix, opus) ->
                vertx
                    .eventBus()
                    .publish(
                        Addresses.mediaDemand(eventId),
                        new MediaDemand(nodeId, mix, opus).toJson()));
  }

  /** Completes once this node can follow rooms (its inbox is registered in the cluster). */
  public Future<Void> ready() {
    return inbox.ready();
  }

  /** Number of events with at least one socket on this node. */
  public int roomCount() {
    return feeds.size();
  }

  /**
   * A loop's socket joins a room (called on the loop, after the loop counted it): completes, on the
   * socket's loop, once this node receives the room's events and media.
   */
  Future<Void> attach(LocalRooms loop, Session session, String mode) {
    Promise<Void> attached = Promise.promise();
    home.runOnContext(
        v -> {
          Feed feed = feeds.computeIfAbsent(session.eventId(), id -> new Feed(id, mode));
          feed.loops.merge(loop, 1, Integer::sum);
          feed.audio.listening(session);
          demand.added(session.eventId(), session.hostSocket(), session.opus());
          feed.ready.onComplete(
              ready -> {
                session.run(() -> attached.handle(ready));
                if (ready.succeeded()) {
                  sendScreenInit(session, feed);
                }
              });
        });
    return attached.future();
  }

  /** A loop's socket left the room (called on the loop). */
  void detach(LocalRooms loop, Session session) {
    home.runOnContext(
        v -> {
          Feed feed = feeds.get(session.eventId());
          if (feed == null) {
            return;
          }
          demand.removed(session.eventId(), session.hostSocket(), session.opus());
          feed.audio.leaving(session);
          feed.loops.computeIfPresent(loop, (l, n) -> n <= 1 ? null : n - 1);
          if (feed.loops.isEmpty()) {
            feeds.remove(feed.eventId);
            demand.stop(feed.eventId);
            feed.route.close();
          }
        });
  }

  /**
   * True while the event's relay says nobody hears the room mix: the speakers' audio then stays
   * here. Any loop may ask, on every frame.
   */
  boolean isUnheard(String eventId) {
    Feed feed = feeds.get(eventId);
    return feed != null && System.nanoTime() - feed.unheardUntil < 0;
  }

  boolean isScreenMode(String eventId) {
    Feed feed = feeds.get(eventId);
    return feed != null && "screen".equals(feed.mode);
  }

  /** Sequence numbers of screen chunks published from this node (any loop). */
  long nextScreenSequence() {
    return screenSequence.incrementAndGet();
  }

  /** Keeps the WebM initialisation segment cluster-wide, for late joiners on any gateway. */
  void rememberScreenInit(String eventId, Buffer init) {
    vertx
        .sharedData()
        .<String, Buffer>getAsyncMap(SCREEN_INIT_MAP)
        .compose(map -> map.put(eventId, init));
  }

  private void deliver(Feed feed, Message<JsonObject> msg) {
    RoomMessageRouting routing = RoomMessageRouting.from(msg.headers());
    String mode = routing.mode();
    if (mode != null) {
      feed.mode = mode;
      feed.screenInit = null;
      if ("audio".equals(mode)) {
        vertx
            .sharedData()
            .<String, Buffer>getAsyncMap(SCREEN_INIT_MAP)
            .compose(map -> map.remove(feed.eventId));
      }
    }
    RoomMessageDelivery delivery = RoomMessageDelivery.of(msg.body(), routing);
    for (LocalRooms loop : feed.loops.keySet()) {
      loop.run(() -> loop.deliver(feed.eventId, delivery));
    }
  }

  private void deliverMedia(Feed feed, Message<Buffer> msg) {
    MediaPacket packet = MediaPacket.decode(msg.body());
    if (packet.kind() == MediaPacket.KIND_AUDIENCE) {
      long now = System.nanoTime();
      // Held for twice the relay's repeat: a notice lost or missed (this node subscribed later)
      // costs at most that long, and a relay that is gone cannot keep a room muted.
      feed.unheardUntil = packet.heard() ? now : now + UNHEARD_HOLD_NANOS;
      return;
    }
    stats.packetReceived();
    if (packet.kind() == MediaPacket.KIND_AUDIO) {
      AudioFanout.Tick tick = feed.audio.prepare(packet);
      for (LocalRooms loop : feed.loops.keySet()) {
        loop.run(() -> loop.deliverAudio(feed.eventId, tick));
      }
      return;
    }
    if (packet.kind() == MediaPacket.KIND_SCREEN_INIT) {
      feed.screenInit = packet.payload();
    }
    Buffer framed =
        MediaFraming.frame(packet.kind(), packet.sequence(), packet.timestamp(), packet.payload());
    Buffer raw = packet.payload();
    for (LocalRooms loop : feed.loops.keySet()) {
      loop.run(() -> loop.deliverScreen(feed.eventId, framed, raw));
    }
  }

  /** A socket joining a room in screen mode gets the initialisation segment before live chunks. */
  private void sendScreenInit(Session session, Feed feed) {
    if (!"screen".equals(feed.mode) || session.isHost()) {
      return;
    }
    if (feed.screenInit != null) {
      Buffer init = feed.screenInit;
      session.run(() -> writeInit(session, init));
      return;
    }
    vertx
        .sharedData()
        .<String, Buffer>getAsyncMap(SCREEN_INIT_MAP)
        .compose(map -> map.get(session.eventId()))
        .onSuccess(
            init ->
                home.runOnContext(
                    v -> {
                      if (init != null && "screen".equals(feed.mode)) {
                        feed.screenInit = init;
                        session.run(() -> writeInit(session, init));
                      }
                    }));
  }

  private static void writeInit(Session session, Buffer init) {
    session.sendBinary(
        session.framed() ? MediaFraming.frame(MediaPacket.KIND_SCREEN_INIT, 0, 0, init) : init);
  }
}
