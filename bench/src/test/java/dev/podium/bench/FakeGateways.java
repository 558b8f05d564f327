package dev.podium.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Gateways of a pretend cluster, in one Vert.x: a speaker on any of them reaches the listeners of
 * all of them. Like Podium's, each gateway counts in {@code GET /metrics} one media packet per
 * frame while it has listeners, and the frames it wrote to them. One can go away gracefully ({@code
 * reconnect} then close 1012) or be killed (its sockets closed without a word, its port closed).
 */
final class FakeGateways {
  private static final String SPEAKER_PATH = "/ws/stream/start/live/";
  private static final String LISTENER_PATH = "/ws/stream/live/join/event/";

  final class Node {
    private HttpServer server;
    private final Set<ServerWebSocket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<ServerWebSocket> listeners = ConcurrentHashMap.newKeySet();
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean up = true;

    int port() {
      return server.actualPort();
    }

    /**
     * Tells every client to come back after {@code afterMs} (elsewhere), closes them with 1012,
     * stops listening.
     */
    void goAway(long afterMs) {
      up = false;
      String reconnect =
          new JsonObject().put("type", "reconnect").put("after_ms", afterMs).encode();
      for (ServerWebSocket ws : sockets) {
        ws.writeTextMessage(reconnect);
        ws.close((short) 1012, "reconnect");
      }
      server.close();
    }

    /** Closes every socket without a word (no {@code reconnect}) and stops listening. */
    void kill() {
      up = false;
      server.close();
      for (ServerWebSocket ws : sockets) {
        ws.close();
      }
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final List<Node> nodes = new ArrayList<>();
  private final AtomicLong frames = new AtomicLong();
  private volatile boolean live;
  private volatile LongConsumer onFrame = n -> {};

  FakeGateways(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      Node node = new Node();
      node.server =
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setHost("127.0.0.1")
                      .setPort(0)
                      .setMaxWebSocketFrameSize(1 << 20)
                      .setMaxWebSocketMessageSize(1 << 22))
              .webSocketHandler(ws -> accept(node, ws))
              .requestHandler(
                  req ->
                      req.response()
                          .putHeader("content-type", "text/plain; version=0.0.4")
                          .end(
                              "podium_media_packets_in_total "
                                  + node.packets.get()
                                  + ".0\n"
                                  + "podium_media_frames_out_total "
                                  + node.delivered.get()
                                  + ".0\n"
                                  + "podium_media_frames_dropped_total{reason=\"socket_behind\"} 0.0\n"));
      node.server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      nodes.add(node);
    }
  }

  Node node(int i) {
    return nodes.get(i);
  }

  /**
   * Called (on a server event loop) with the number of speaker frames so far, after each is fanned
   * out.
   */
  void onFrame(LongConsumer onFrame) {
    this.onFrame = onFrame;
  }

  String bases() {
    return String.join(",", nodes.stream().map(n -> "ws://127.0.0.1:" + n.port()).toList());
  }

  String metricsUrls() {
    return String.join(
        ",", nodes.stream().map(n -> "http://127.0.0.1:" + n.port() + "/metrics").toList());
  }

  Future<Void> close() {
    return vertx.close();
  }

  private void accept(Node node, ServerWebSocket ws) {
    if (!node.up) {
      ws.close((short) 1012);
      return;
    }
    node.sockets.add(ws);
    ws.closeHandler(
        v -> {
          node.sockets.remove(ws);
          node.listeners.remove(ws);
        });
    ws.exceptionHandler(e -> {});
    if (ws.path().startsWith(SPEAKER_PATH)) {
      boolean resumed = live;
      live = true;
      ws.writeTextMessage(
          new JsonObject()
              .put("type", "stream_link")
              .put("event_id", "fake")
              .put("resumed", resumed)
              .encode());
      ws.binaryMessageHandler(this::fanOut);
    } else if (ws.path().startsWith(LISTENER_PATH)) {
      node.listeners.add(ws);
      ws.writeTextMessage("{\"type\":\"room_state\",\"event\":{\"id\":\"fake\"}}");
    } else {
      ws.close((short) 1008);
    }
  }

  private void fanOut(Buffer frame) {
    for (Node node : nodes) {
      if (!node.up || node.listeners.isEmpty()) {
        continue;
      }
      node.packets.incrementAndGet();
      for (ServerWebSocket l : node.listeners) {
        if (!l.isClosed()) {
          l.writeBinaryMessage(frame);
          node.delivered.incrementAndGet();
        }
      }
    }
    onFrame.accept(frames.incrementAndGet());
  }
}
