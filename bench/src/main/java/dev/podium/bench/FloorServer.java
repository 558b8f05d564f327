package dev.podium.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor: the least a Vert.x program can do to fan one speaker out to N sockets. One
 * HttpServer (so one event loop), no auth, no cluster, no JSON parsing. It answers on Podium's
 * paths so the load generator treats both alike: a speaker on {@code /ws/stream/start/live/...}
 * gets a {@code stream_link} for event {@code floor}; a listener on
 * {@code /ws/stream/live/join/event/...} gets one text message; every binary message of a speaker
 * is written, as the same {@link Buffer}, to every listener whose write queue is not full, and
 * dropped (and counted) for the others.
 *
 * <p>Usage: {@code java -cp podium-bench.jar dev.podium.bench.FloorServer [port] [host]}
 * (defaults 8100, 127.0.0.1).
 */
public final class FloorServer {
  private static final Logger LOG = LoggerFactory.getLogger(FloorServer.class);
  private static final String SPEAKER_PATH = "/ws/stream/start/live/";
  private static final String LISTENER_PATH = "/ws/stream/live/join/event/";
  private static final String JOINED = "{\"type\":\"room_state\",\"event_id\":\"floor\"}";

  // Every handler runs on the server's single event loop: plain fields, no locks. The fan-out
  // iterates an array rebuilt on join and leave, so a socket closing mid-loop changes nothing.
  private final List<ServerWebSocket> listeners = new ArrayList<>();
  private ServerWebSocket[] targets = new ServerWebSocket[0];
  private final String streamLink;
  private long framesIn;
  private long writes;
  private long dropped;

  FloorServer(String publicBase) {
    this.streamLink = "{\"type\":\"stream_link\",\"event_id\":\"floor\",\"join_url\":\"" + publicBase
        + LISTENER_PATH + "floor/\"}";
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8100;
    String host = args.length > 1 ? args[1] : "127.0.0.1";
    Vertx vertx = Vertx.vertx();
    FloorServer floor = new FloorServer("ws://" + host + ":" + port);
    vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost(host)
            .setMaxWebSocketFrameSize(4 * 1024 * 1024).setMaxWebSocketMessageSize(4 * 1024 * 1024))
        .webSocketHandler(floor::accept)
        .requestHandler(req -> req.response().end("floor\n"))
        .listen()
        .onSuccess(s -> LOG.info("floor listening on {}:{}", host, s.actualPort()))
        .onFailure(e -> {
          LOG.error("floor could not listen on {}:{}: {}", host, port, e.getMessage());
          vertx.close();
        });
    vertx.setPeriodic(5_000, id -> floor.logCounters());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close()));
  }

  void accept(ServerWebSocket ws) {
    String path = ws.path();
    if (path.startsWith(SPEAKER_PATH)) {
      ws.writeTextMessage(streamLink);
      ws.binaryMessageHandler(this::fanOut);
    } else if (path.startsWith(LISTENER_PATH)) {
      listeners.add(ws);
      targets = listeners.toArray(ServerWebSocket[]::new);
      ws.closeHandler(v -> {
        listeners.remove(ws);
        targets = listeners.toArray(ServerWebSocket[]::new);
      });
      ws.writeTextMessage(JOINED);
    } else {
      ws.close((short) 1008, "unknown path");
    }
  }

  private void fanOut(Buffer frame) {
    framesIn++;
    for (ServerWebSocket l : targets) {
      // A socket closed but not yet removed: skip it (writeQueueFull() throws on a closed socket).
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

  private long lastLogged = -1;

  private void logCounters() {
    if (framesIn != lastLogged) {
      lastLogged = framesIn;
      LOG.info("listeners={} frames_in={} writes={} dropped={}", listeners.size(), framesIn, writes, dropped);
    }
  }
}
