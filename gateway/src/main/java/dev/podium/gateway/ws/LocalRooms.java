package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.RoomEventHeaders;
import dev.podium.api.media.MediaPacket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's sockets per event, and the two event-bus consumers per event that feed them (room
 * events and media). A room event or media tick arrives once per node, is encoded once, and the
 * same bytes go to every local socket of the room; only speakers get a buffer of their own (their
 * mix-minus). While a room has Opus listeners on this node, the node announces it on
 * {@code podium.media.<eventId>.demand} (at once on the first and the last, and every second in
 * between) so that the owning relay encodes Opus only while someone listens to it.
 */
public final class LocalRooms {
  /** Removed by the media relays when the event ends (gateways do not hear lifecycle notices). */
  private static final String SCREEN_INIT_MAP = Addresses.SCREEN_INIT_MAP;
  /** How often a node with Opus listeners in a room repeats that it wants Opus (relays forget after 3 s). */
  static final long OPUS_DEMAND_REPEAT_MS = 1_000;

  private final Vertx vertx;
  private final String nodeId;
  private final MediaStats stats;
  private final Map<String, LocalRoom> rooms = new HashMap<>();

  private static final class LocalRoom {
    final Set<Session> sessions = new LinkedHashSet<>();
    MessageConsumer<JsonObject> events;
    MessageConsumer<Buffer> media;
    Future<Void> ready;
    String mode = "audio";
    Buffer screenInit;
    /** Sessions of this room on this node that take Opus, and the timer re-announcing that (-1: none). */
    int opusListeners;
    long opusTimer = -1;
    /** Room mix being gathered for listeners who take 40 or 60 ms per message, by ticks per message. */
    final PacketGroup[] groups = {null, null, new PacketGroup(2), new PacketGroup(3)};
  }

  /** Gathers consecutive ticks of the room mix into one message, built once for every listener of that packet time. */
  private static final class PacketGroup {
    final int ticks;
    Buffer pcm = Buffer.buffer();
    int gathered;
    long sequence;
    long timestamp;

    PacketGroup(int ticks) {
      this.ticks = ticks;
    }

    /** Adds a tick; returns the complete message payload when this tick completes one, else null. */
    Buffer add(MediaPacket packet) {
      if (gathered == 0) {
        sequence = packet.sequence();
        timestamp = packet.timestamp();
      }
      pcm.appendBuffer(packet.payload());
      if (++gathered < ticks) {
        return null;
      }
      Buffer done = pcm;
      pcm = Buffer.buffer(done.length());
      gathered = 0;
      return done;
    }
  }

  public LocalRooms(Vertx vertx, String nodeId, MediaStats stats) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.stats = stats;
  }

  /** Adds the session; completes once this node receives the room's events and media. */
  public Future<Void> attach(Session session, String mode) {
    LocalRoom room = rooms.get(session.eventId());
    if (room == null) {
      LocalRoom created = new LocalRoom();
      created.mode = mode;
      created.events = vertx.eventBus().consumer(Addresses.roomEvents(session.eventId()), msg -> deliver(created, msg));
      created.media = vertx.eventBus().consumer(Addresses.mediaOut(session.eventId()), msg -> deliverMedia(created, msg));
      created.ready = Future.all(created.events.completion(), created.media.completion()).mapEmpty();
      rooms.put(session.eventId(), created);
      room = created;
    }
    if (room.sessions.add(session) && session.opus() && room.opusListeners++ == 0) {
      String eventId = session.eventId();
      announceOpus(eventId, true);
      room.opusTimer = vertx.setPeriodic(OPUS_DEMAND_REPEAT_MS, id -> announceOpus(eventId, true));
    }
    LocalRoom joined = room;
    return room.ready.onSuccess(v -> sendScreenInit(session, joined));
  }

  public void detach(Session session) {
    LocalRoom room = rooms.get(session.eventId());
    if (room == null || !room.sessions.remove(session)) {
      return;
    }
    if (session.opus() && --room.opusListeners == 0) {
      stopOpusDemand(room, session.eventId());
    }
    if (room.sessions.isEmpty()) {
      rooms.remove(session.eventId());
      stopOpusDemand(room, session.eventId());
      room.events.unregister();
      room.media.unregister();
    }
  }

  private void stopOpusDemand(LocalRoom room, String eventId) {
    if (room.opusTimer >= 0) {
      vertx.cancelTimer(room.opusTimer);
      room.opusTimer = -1;
      room.opusListeners = 0;
      announceOpus(eventId, false);
    }
  }

  private void announceOpus(String eventId, boolean opus) {
    vertx.eventBus().publish(Addresses.mediaDemand(eventId), new JsonObject().put("node_id", nodeId).put("opus", opus));
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

  boolean isScreenMode(String eventId) {
    LocalRoom room = rooms.get(eventId);
    return room != null && "screen".equals(room.mode);
  }

  /** Keeps the WebM initialisation segment cluster-wide, for late joiners on any gateway. */
  void rememberScreenInit(String eventId, Buffer init) {
    vertx.sharedData().<String, Buffer>getAsyncMap(SCREEN_INIT_MAP).compose(map -> map.put(eventId, init));
  }

  private void forgetScreenInit(LocalRoom room) {
    room.sessions.stream().findFirst().ifPresent(s ->
        vertx.sharedData().<String, Buffer>getAsyncMap(SCREEN_INIT_MAP).compose(map -> map.remove(s.eventId())));
  }

  private void deliver(LocalRoom room, Message<JsonObject> msg) {
    EncodedText text = EncodedText.of(msg.body());
    String toUser = msg.headers().get(RoomEventHeaders.TO_USER);
    String exceptUser = msg.headers().get(RoomEventHeaders.EXCEPT_USER);
    String roleUser = msg.headers().get(RoomEventHeaders.ROLE_USER);
    String mutedUser = msg.headers().get(RoomEventHeaders.MUTED_USER);
    String mode = msg.headers().get(RoomEventHeaders.MODE);
    if (mode != null) {
      room.mode = mode;
      room.screenInit = null;
      if ("audio".equals(mode)) {
        forgetScreenInit(room);
      }
    }
    boolean closes = "true".equals(msg.headers().get(RoomEventHeaders.CLOSE_RECIPIENTS));
    for (Session s : new ArrayList<>(room.sessions)) {
      if (roleUser != null && roleUser.equals(s.userId())) {
        s.role(msg.headers().get(RoomEventHeaders.ROLE));
        // Leaving the stage clears the room-service's mute too; a later return starts unmuted.
        s.muted(false);
      }
      if (mutedUser != null && mutedUser.equals(s.userId())) {
        s.muted("true".equals(msg.headers().get(RoomEventHeaders.MUTED)));
      }
      if ((toUser == null || toUser.equals(s.userId())) && !s.userId().equals(exceptUser)) {
        try {
          s.send(text);
          if (closes) {
            s.closeNormally(msg.body().getString("type"));
          }
        } catch (IllegalStateException closedMeanwhile) {
          // One socket closing under us must not cost the others this message.
        }
      }
    }
  }

  private void deliverMedia(LocalRoom room, Message<Buffer> msg) {
    stats.packetReceived();
    MediaPacket packet = MediaPacket.decode(msg.body());
    if (packet.kind() == MediaPacket.KIND_AUDIO) {
      deliverAudio(room, packet);
      return;
    }
    boolean init = packet.kind() == MediaPacket.KIND_SCREEN_INIT;
    if (init) {
      room.screenInit = packet.payload();
    }
    Buffer framed = null;
    for (Session s : room.sessions) {
      if (s.isHost()) {
        continue;
      }
      if (s.framed()) {
        if (framed == null) {
          framed = MediaFraming.frame(packet.kind(), packet.sequence(), packet.timestamp(), packet.payload());
        }
        s.sendBinary(framed);
      } else {
        s.sendBinary(packet.payload());
      }
    }
  }

  private void deliverAudio(LocalRoom room, MediaPacket packet) {
    Buffer roomMix = packet.payload();
    Buffer roomFramed = null;
    Buffer roomOpus = null;
    Buffer[] grouped = new Buffer[4];
    Buffer[] groupedFramed = new Buffer[4];
    for (int ticks = 2; ticks <= 3; ticks++) {
      grouped[ticks] = room.groups[ticks].add(packet);
    }
    for (Session s : room.sessions) {
      Buffer own = packet.mixMinus().get(s.userId());
      if (own != null) {
        // A speaker hears everyone but themselves; a lone speaker hears nothing.
        if (own.length() > 0) {
          s.sendBinary(s.framed() ? MediaFraming.frame(MediaPacket.KIND_AUDIO, packet.sequence(), packet.timestamp(), own) : own);
        }
      } else if (s.opus() && packet.opus() != null) {
        if (roomOpus == null) {
          roomOpus = MediaFraming.frame(MediaPacket.KIND_OPUS, packet.sequence(), packet.timestamp(), packet.opus());
        }
        s.sendBinary(roomOpus);
      } else if (s.packetTicks() > 1) {
        Buffer payload = grouped[s.packetTicks()];
        if (payload == null) {
          continue;
        }
        if (s.framed()) {
          if (groupedFramed[s.packetTicks()] == null) {
            PacketGroup g = room.groups[s.packetTicks()];
            groupedFramed[s.packetTicks()] = MediaFraming.frame(MediaPacket.KIND_AUDIO, g.sequence, g.timestamp, payload);
          }
          s.sendBinary(groupedFramed[s.packetTicks()]);
        } else {
          s.sendBinary(payload);
        }
      } else if (s.framed()) {
        if (roomFramed == null) {
          roomFramed = MediaFraming.frame(MediaPacket.KIND_AUDIO, packet.sequence(), packet.timestamp(), roomMix);
        }
        s.sendBinary(roomFramed);
      } else {
        s.sendBinary(roomMix);
      }
    }
  }

  /** A socket joining a room in screen mode gets the initialisation segment before live chunks. */
  private void sendScreenInit(Session session, LocalRoom room) {
    if (!"screen".equals(room.mode) || session.isHost()) {
      return;
    }
    if (room.screenInit != null) {
      writeInit(session, room.screenInit);
      return;
    }
    vertx.sharedData().<String, Buffer>getAsyncMap(SCREEN_INIT_MAP)
        .compose(map -> map.get(session.eventId()))
        .onSuccess(init -> {
          if (init != null && "screen".equals(room.mode)) {
            room.screenInit = init;
            writeInit(session, init);
          }
        });
  }

  private static void writeInit(Session session, Buffer init) {
    session.sendBinary(session.framed() ? MediaFraming.frame(MediaPacket.KIND_SCREEN_INIT, 0, 0, init) : init);
  }
}
