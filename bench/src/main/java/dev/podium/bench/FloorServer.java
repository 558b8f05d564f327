package dev.podium.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor: the least a Vert.x program can do to fan speakers out to N sockets. One HttpServer (so
 * one event loop), no auth, no cluster, no JSON parsing. It answers on Podium's paths so the load
 * generator treats both alike: a speaker on {@code /ws/stream/start/live/{hostId}/...} gets a
 * {@code stream_link} for event {@code {hostId}}; a listener on {@code
 * /ws/stream/live/join/event/{eventId}/...} gets one text message and joins that event's room.
 * Rooms are keyed by that path segment, made by whichever side comes first and never removed (a
 * bench server lives for one script run). Every binary message of a speaker is written, as the same
 * {@link Buffer}, to every listener of its room whose write queue is not full, and dropped (and
 * counted) for the others; a room with no listener costs nothing but reading its speaker's
 * messages. A listener's text containing {@code "leave_room"} closes it (1000), as Podium does, for
 * the control-plane bench's joins and leaves; nothing else is read.
 *
 * <p>Usage: {@code java -cp podium-bench.jar dev.podium.bench.FloorServer [port] [host]} (defaults
 * 8100, 127.0.0.1).
 */
public final class FloorServer {
  private static final Logger LOG = LoggerFactory.getLogger(FloorServer.class);
  private static final String SPEAKER_PATH = "/ws/stream/start/live/";
  private static final String LISTENER_PATH = "/ws/stream/live/join/event/";

  // Every handler runs on the server's single event loop: plain fields, no locks.
  private final Map<String, Room> rooms = new HashMap<>();
  private final String publicBase;
  private int listenerCount;
  private long framesIn;
  private long writes;
  private long dropped;

  FloorServer(String publicBase) {
    this.publicBase = publicBase;
  }

  /**
   * One event: its listeners, and the array the fan-out iterates, rebuilt on join and leave so that
   * a socket closing mid-loop changes nothing.
   */
  private final class Room {
    private final String eventId;
    private final List<ServerWebSocket> listeners = new ArrayList<>();
    private ServerWebSocket[] targets = new ServerWebSocket[0];

    Room(String eventId) {
      this.eventId = eventId;
    }

    void add(ServerWebSocket ws) {
      listeners.add(ws);
      targets = listeners.toArray(ServerWebSocket[]::new);
      listenerCount++;
    }

    void remove(ServerWebSocket ws) {
      if (listeners.remove(ws)) {
        targets = listeners.toArray(ServerWebSocket[]::new);
        listenerCount--;
      }
    }

    void fanOut(Buffer frame) {
      framesIn++;
      for (ServerWebSocket l : targets) {
        // A socket closed but not yet removed: skip it (writeQueueFull() throws on a closed
        // socket).
        if (l.isClosed()) {
          continue;
        }
        if (l.writeQueueFull()) {
          dropped++;
        } else {
          l.writeBinaryMessage(frame);
          writes++;
        }
      }
    }
  }

  /**
   * The first path segment after {@code prefix} (the host id or the event id), "floor" when empty.
   */
  static String segment(String path, String prefix) {
    String rest = path.substring(prefix.length());
    int slash = rest.indexOf('/');
    String s = slash < 0 ? rest : rest.substring(0, slash);
    return s.isEmpty() ? "floor" : s;
  }

  private Room room(String eventId) {
    return rooms.computeIfAbsent(eventId, Room::new);
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8100;
    String host = args.length > 1 ? args[1] : "127.0.0.1";
    Vertx vertx = Vertx.vertx();
    FloorServer floor = new FloorServer("ws://" + host + ":" + port);
    vertx
        .createHttpServer(
            new HttpServerOptions()
                .setPort(port)
                .setHost(host)
                .setMaxWebSocketFrameSize(4 * 1024 * 1024)
                .setMaxWebSocketMessageSize(4 * 1024 * 1024))
        .webSocketHandler(floor::accept)
        .requestHandler(req -> req.response().end("floor\n"))
        .listen()
        .onSuccess(s -> LOG.info("floor listening on {}:{}", host, s.actualPort()))
        .onFailure(
            e -> {
              LOG.error("floor could not listen on {}:{}: {}", host, port, e.getMessage());
              vertx.close();
            });
    vertx.setPeriodic(5_000, id -> floor.logCounters());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close()));
  }

  void accept(ServerWebSocket ws) {
    String path = ws.path();
    if (path.startsWith(SPEAKER_PATH)) {
      Room room = room(segment(path, SPEAKER_PATH));
      ws.writeTextMessage(
          "{\"type\":\"stream_link\",\"event_id\":\""
              + room.eventId
              + "\",\"join_url\":\""
              + publicBase
              + LISTENER_PATH
              + room.eventId
              + "/\"}");
      ws.binaryMessageHandler(room::fanOut);
    } else if (path.startsWith(LISTENER_PATH)) {
      Room room = room(segment(path, LISTENER_PATH));
      room.add(ws);
      ws.closeHandler(v -> room.remove(ws));
      // The control-plane bench's leave: close as Podium does (no JSON parsing, any other text
      // ignored).
      ws.textMessageHandler(
          text -> {
            if (text.contains("\"leave_room\"")) {
              ws.close((short) 1000, "leave_room");
            }
          });
      ws.writeTextMessage("{\"type\":\"room_state\",\"event\":{\"id\":\"" + room.eventId + "\"}}");
    } else {
      ws.close((short) 1008, "unknown path");
    }
  }

  private long lastLogged = -1;

  private void logCounters() {
    if (framesIn != lastLogged) {
      lastLogged = framesIn;
      LOG.info(
          "rooms={} listeners={} frames_in={} writes={} dropped={}",
          rooms.size(),
          listenerCount,
          framesIn,
          writes,
          dropped);
    }
  }
}
