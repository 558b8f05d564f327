package dev.podium.deploy;

import dev.podium.api.ReadinessProbes;
import dev.podium.gateway.GatewayMain;
import dev.podium.media.MediaRelayVerticle;
import dev.podium.runtime.ClusterBootstrap;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.Settings;
import dev.podium.runtime.ops.OpsRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A running Podium for end-to-end tests: clustered Vert.x instances (their own cluster name, so
 * parallel runs never merge) with the real verticles, plus real WebSocket and HTTP clients.
 */
final class PodiumHarness implements AutoCloseable {
  private final Settings settings;
  private final Map<Vertx, Integer> ports = new HashMap<>();
  private final Map<Vertx, Integer> opsPorts = new HashMap<>();
  private final Vertx clientVertx = Vertx.vertx();
  private final WebSocketClient wsClient =
      clientVertx.createWebSocketClient(
          new WebSocketClientOptions()
              .setMaxConnections(2000)
              .setMaxFrameSize(1024 * 1024)
              .setMaxMessageSize(4 * 1024 * 1024));
  private final io.vertx.core.Context clientContext = clientVertx.getOrCreateContext();
  private final HttpClient httpClient = clientVertx.createHttpClient();
  private final WebSocketClient stuckClient =
      clientVertx.createWebSocketClient(
          new WebSocketClientOptions().setReceiveBufferSize(1024).setMaxConnections(10));

  PodiumHarness(Map<String, String> overrides) {
    Map<String, String> base = new HashMap<>();
    base.put("PODIUM_CLUSTER_NAME", "podium-test-" + UUID.randomUUID());
    base.put("PODIUM_CLUSTER_PORT", "5801");
    base.put("PODIUM_HTTP_PORT", "0");
    base.put("PODIUM_HTTP_HOST", "127.0.0.1");
    base.put("PODIUM_JWT_SECRET", TestTokens.SECRET);
    // Every test client comes from 127.0.0.1: the per-address limits would count a whole test's
    // users as one client. EdgeAbuseTest sets them back to small values and attacks from 127.0.0.x.
    base.put("PODIUM_MAX_CONNECTIONS_PER_IP", "1000000");
    base.put("PODIUM_JOIN_RATE_PER_SECOND", "1000000");
    base.put("PODIUM_JOIN_BURST", "1000000");
    base.putAll(overrides);
    this.settings = Settings.of(base);
  }

  /** The clients' Vert.x (for timers that pace test senders). */
  Vertx clientVertx() {
    return clientVertx;
  }

  /** Connects with WebSocket subprotocols offered. */
  TestSocket connect(Vertx node, String uri, List<String> subProtocols) {
    ClientWebSocket ws = wsClient.webSocket();
    TestSocket socket = new TestSocket(ws);
    await(
        onClientContext(
            () ->
                ws.connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port(node))
                        .setURI(uri)
                        .setSubProtocols(subProtocols))));
    return socket;
  }

  Settings settings() {
    return settings;
  }

  /** Starts a clustered node running every service and a gateway; returns it. */
  Vertx startAllInOne() {
    Vertx vertx = await(ClusterBootstrap.start(ClusterSettings.from(settings)));
    // Each node's embedded PostgreSQL in a folder of its own, under target/.
    Settings node = settings.with(Map.of("PODIUM_DATA_DIR", TestDataDirs.create("harness")));
    ports.put(vertx, await(TestDeployments.all(vertx, node)).httpPort());
    serveOps(vertx, GatewayMain.NEEDS);
    return vertx;
  }

  /** Starts a node running what {@code deploy} deploys; it returns the gateway's port (or -1). */
  Vertx startCustom(java.util.function.BiFunction<Vertx, Settings, Future<Integer>> deploy) {
    Vertx vertx = await(ClusterBootstrap.start(ClusterSettings.from(settings)));
    ports.put(vertx, await(deploy.apply(vertx, settings)));
    serveOps(vertx, List.of());
    return vertx;
  }

  /** Starts a node with the services and a gateway but no media relay. */
  Vertx startWithoutMedia() {
    Vertx vertx = await(ClusterBootstrap.start(ClusterSettings.from(settings)));
    ports.put(vertx, await(TestDeployments.withoutMedia(vertx, settings)).httpPort());
    serveOps(vertx, GatewayMain.NEEDS);
    return vertx;
  }

  /** Starts a node running only a media relay; the relay is returned through {@code relay}. */
  Vertx startMediaRelay(MediaRelayVerticle[] relay) {
    Vertx vertx = await(ClusterBootstrap.start(ClusterSettings.from(settings)));
    relay[0] = await(TestDeployments.mediaRelay(vertx, settings));
    ports.put(vertx, -1);
    serveOps(vertx, List.of(ReadinessProbes.ROOM));
    return vertx;
  }

  /**
   * A listener that never reads: tiny receive buffer, paused right after the handshake, so the
   * server's write queue for it fills up.
   */
  ClientWebSocket connectStuck(Vertx node, String uri) {
    ClientWebSocket ws = stuckClient.webSocket();
    ws.binaryMessageHandler(b -> {});
    await(
        onClientContext(
            () ->
                ws.connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port(node))
                        .setURI(uri))));
    ws.pause();
    return ws;
  }

  /** Starts a clustered node running only a gateway; returns it. */
  Vertx startGatewayOnly() {
    return startGatewayOnly(Map.of());
  }

  /** A gateway-only node in the same cluster, with some settings of its own. */
  Vertx startGatewayOnly(Map<String, String> overrides) {
    Settings own = settings.with(overrides);
    Vertx vertx = await(ClusterBootstrap.start(ClusterSettings.from(own)));
    ports.put(vertx, await(TestDeployments.gateway(vertx, own)).httpPort());
    serveOps(vertx, GatewayMain.NEEDS);
    return vertx;
  }

  /**
   * The node's operations endpoints, served as {@code ServiceLauncher} serves them for a real
   * process (same routes and readiness checks), on a free loopback port.
   */
  private void serveOps(Vertx vertx, List<ReadinessProbes.Probe> needs) {
    opsPorts.put(vertx, await(OpsRoutes.serve(vertx, "127.0.0.1", 0, needs)).actualPort());
  }

  int port(Vertx node) {
    return ports.get(node);
  }

  /** The port of the node's {@code /health/live}, {@code /health/ready} and {@code /metrics}. */
  int opsPort(Vertx node) {
    return opsPorts.get(node);
  }

  /** GET on the node's ops port. */
  HttpReply opsGet(Vertx node, String uri) {
    return getPort(opsPort(node), uri);
  }

  void stop(Vertx node) {
    ports.remove(node);
    opsPorts.remove(node);
    await(node.close());
  }

  TestSocket connect(Vertx node, String uri) {
    return connectTo(port(node), uri);
  }

  /** Connects with these options (URI, headers such as {@code Origin}) to the node's gateway. */
  TestSocket connect(Vertx node, WebSocketConnectOptions options) {
    ClientWebSocket ws = wsClient.webSocket();
    TestSocket socket = new TestSocket(ws);
    await(onClientContext(() -> ws.connect(options.setHost("127.0.0.1").setPort(port(node)))));
    return socket;
  }

  /**
   * The HTTP status with which the node's gateway refuses this WebSocket upgrade, or 101 when it
   * accepts it (the socket is then closed again).
   */
  int upgradeStatus(Vertx node, WebSocketConnectOptions options) {
    ClientWebSocket ws = wsClient.webSocket();
    try {
      await(onClientContext(() -> ws.connect(options.setHost("127.0.0.1").setPort(port(node)))));
    } catch (IllegalStateException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof io.vertx.core.http.UpgradeRejectedException rejected) {
          return rejected.getStatus();
        }
      }
      throw e;
    }
    ws.close();
    return 101;
  }

  /** Connects to a gateway on this port (for example one in another process). */
  TestSocket connectTo(int port, String uri) {
    return connectTo("127.0.0.1", port, uri);
  }

  /** Connects to a gateway at this address (for example one in a {@link NetLab} host). */
  TestSocket connectTo(String host, int port, String uri) {
    ClientWebSocket ws = wsClient.webSocket();
    TestSocket socket = new TestSocket(ws);
    await(
        onClientContext(
            () ->
                ws.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri))));
    return socket;
  }

  /**
   * Goes live as {@code userId}; returns the host's socket once its {@code stream_link} arrived
   * ({@link TestSocket#eventId()}, {@link TestSocket#streamLink()}).
   */
  TestSocket goLive(Vertx node, String userId) {
    TestSocket host =
        connect(
            node,
            "/ws/stream/start/live/" + userId + "/?token=" + TestTokens.valid(userId, userId));
    host.expect("stream_link");
    return host;
  }

  /** Goes live through the gateway at {@code port} (a gateway in its own process). */
  TestSocket goLiveAt(int port, String userId) {
    TestSocket host =
        connectTo(
            port,
            "/ws/stream/start/live/" + userId + "/?token=" + TestTokens.valid(userId, userId));
    host.expect("stream_link");
    return host;
  }

  /**
   * Joins all these users at once (connections in parallel), as a burst of real listeners would.
   */
  List<TestSocket> joinAll(Vertx node, String eventId, List<String> userIds) {
    List<TestSocket> sockets = new java.util.ArrayList<>();
    List<Future<?>> connected = new java.util.ArrayList<>();
    for (String userId : userIds) {
      ClientWebSocket ws = wsClient.webSocket();
      sockets.add(new TestSocket(ws));
      connected.add(
          onClientContext(
              () ->
                  ws.connect(
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(port(node))
                          .setURI(joinUri(eventId, userId)))));
    }
    await(Future.all(connected));
    return sockets;
  }

  TestSocket join(Vertx node, String eventId, String userId) {
    return connect(node, joinUri(eventId, userId));
  }

  /** A listener joining through the gateway at {@code port} (a gateway in its own process). */
  TestSocket joinAt(int port, String eventId, String userId) {
    return connectTo(port, joinUri(eventId, userId));
  }

  /** The join path of today's pages, with the user's own valid token. */
  static String joinUri(String eventId, String userId) {
    return "/ws/stream/live/join/event/"
        + eventId
        + "/"
        + userId
        + "/"
        + userId
        + "/?token="
        + TestTokens.valid(userId);
  }

  /** GET over HTTP. */
  HttpReply get(Vertx node, String uri) {
    return getPort(port(node), uri);
  }

  HttpReply getPort(int port, String uri) {
    return getAs(port, uri, null);
  }

  /** GET over HTTP with {@code userId}'s token as the bearer (none when null). */
  HttpReply getAs(int port, String uri, String userId) {
    BytesReply reply = getBytes(port, uri, userId, null);
    return new HttpReply(reply.status(), new String(reply.body(), StandardCharsets.UTF_8));
  }

  /** An HTTP answer whose body is bytes (a recording), with its headers. */
  record BytesReply(int status, io.vertx.core.MultiMap headers, byte[] body) {}

  /** GET with {@code userId}'s bearer token and an optional {@code Range} header. */
  BytesReply getBytes(int port, String uri, String userId, String range) {
    return await(
        onClientContext(
            () ->
                httpClient
                    .request(HttpMethod.GET, port, "127.0.0.1", uri)
                    .compose(
                        req -> {
                          if (userId != null) {
                            req.putHeader(
                                "Authorization", "Bearer " + TestTokens.valid(userId, userId));
                          }
                          if (range != null) {
                            req.putHeader("Range", range);
                          }
                          return req.send();
                        })
                    .compose(
                        resp ->
                            resp.body()
                                .map(
                                    body ->
                                        new BytesReply(
                                            resp.statusCode(), resp.headers(), body.getBytes())))));
  }

  /**
   * Runs a client call on the clients' Vert.x context rather than the test thread: Vert.x 5.0.10
   * clients used from a non-Vert.x thread occasionally never complete a request.
   */
  private <T> Future<T> onClientContext(java.util.function.Supplier<Future<T>> call) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    clientContext.runOnContext(v -> call.get().onComplete(promise));
    return promise.future();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("operation did not complete", e);
    }
  }

  @Override
  public void close() {
    for (Vertx node : Map.copyOf(ports).keySet()) {
      try {
        stop(node);
      } catch (RuntimeException e) {
        // Already stopped by the test.
      }
    }
    await(clientVertx.close());
  }
}
