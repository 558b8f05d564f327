package dev.podium.gateway;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.chat.ChatService;
import dev.podium.api.InstanceDirectory;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import dev.podium.gateway.auth.DevTokens;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.auth.UserDirectory;
import dev.podium.gateway.edge.EdgeGate;
import dev.podium.gateway.http.HttpRoutes;
import dev.podium.gateway.ws.ActiveStreamsFeed;
import dev.podium.gateway.ws.ClientMessages;
import dev.podium.gateway.ws.ConnectedSessions;
import dev.podium.gateway.ws.LocalRooms;
import dev.podium.gateway.ws.MediaFraming;
import dev.podium.gateway.ws.MediaStats;
import dev.podium.gateway.ws.WebSocketEntry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public edge: one HTTP server for the WebSocket endpoints and the HTTP routes, one room
 * consumer per active room, a control address for this node, and a heartbeat to presence.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final GatewayConfig config;
  private HttpServer server;
  private ConnectedSessions sessions;
  private EdgeGate edge;

  public GatewayVerticle(GatewayConfig config) {
    this.config = config;
  }

  /** The port actually bound (useful with {@code PODIUM_HTTP_PORT=0}). */
  public int actualPort() {
    return server.actualPort();
  }

  public String nodeId() {
    return config.nodeId();
  }

  /**
   * Graceful shutdown (SIGTERM): stop accepting, send every client {@code reconnect {after_ms}}
   * (spread over a second so that they do not all come back at once) and close them; their
   * disconnects reach presence while this node is still in the cluster.
   */
  @Override
  public Future<?> stop() {
    if (edge != null) {
      edge.stop();
    }
    java.util.Random jitter = new java.util.Random();
    for (var session : sessions.all()) {
      session.closeForRestart(500 + jitter.nextInt(1000));
    }
    // Then stop listening, giving the close handshakes up to 2 s.
    return server == null ? Future.succeededFuture()
        : server.shutdown(2, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty();
  }

  /** The token checks; the JWKS, if any, is fetched at once so that the first token need not wait. */
  private TokenVerifier tokenVerifier() {
    TokenVerifier verifier = new TokenVerifier(vertx, config.jwtSecret(), config.userClaim(), config.jwt());
    verifier.warmUp();
    return verifier;
  }

  @Override
  public Future<?> start() {
    RoomService rooms = RoomService.createProxy(vertx);
    ChatService chat = ChatService.createProxy(vertx);
    PresenceService presence = PresenceService.createProxy(vertx);
    sessions = new ConnectedSessions();
    ActiveStreamsFeed feed = new ActiveStreamsFeed(vertx, presence);
    MediaStats mediaStats = new MediaStats();
    // The same view of live media relays as the relays have, to send audio straight to an event's owner.
    InstanceDirectory relays = new InstanceDirectory(config.relayTimeout().toNanos());
    Future<Void> relayHeartbeats = vertx.eventBus().<JsonObject>consumer(Addresses.MEDIA_RELAY_HEARTBEAT,
        msg -> relays.seen(msg.body().getString("relay_id"), System.nanoTime())).completion();
    LocalRooms localRooms = new LocalRooms(vertx, config.nodeId(), mediaStats);
    io.micrometer.core.instrument.MeterRegistry metrics = dev.podium.runtime.ops.Observability.registry(vertx);
    metrics.gauge("podium_gateway_sockets", sessions, ConnectedSessions::size);
    metrics.gauge("podium_gateway_rooms", localRooms, LocalRooms::roomCount);
    metrics.gauge("podium_gateway_stream_watchers", feed, ActiveStreamsFeed::size);
    io.micrometer.core.instrument.FunctionCounter.builder("podium_media_frames_out_total", mediaStats,
        MediaStats::deliveredFrames).register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("podium_media_frames_dropped_total", mediaStats,
        MediaStats::droppedFrames).tag("reason", "socket_behind").register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("podium_media_packets_in_total", mediaStats,
        MediaStats::packetsReceived).register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("podium_snapshots_skipped_total", mediaStats,
        MediaStats::snapshotsSkipped).description("List, count and level messages skipped for sockets that were behind")
        .register(metrics);
    Optional<UserDirectory> directory = Optional.ofNullable(config.authLookupUrl())
        .map(url -> new UserDirectory(vertx, url, config.authLookupTtl()));
    Optional<DevTokens> devTokens = config.devMode()
        ? Optional.of(new DevTokens(vertx, config.jwtSecret(), config.userClaim(), config.jwt()))
        : Optional.empty();
    if (config.jwtSecretGenerated()) {
      LOG.warn("PODIUM_DEV=true and no PODIUM_JWT_SECRET: generated a secret for this run only. "
          + "Get tokens from GET /dev/token?user_id=...; never run like this in production.");
    }

    edge = new EdgeGate(vertx, config.edge(), config.maxTextBytes(), config.maxBinaryBytes(),
        reason -> ClientMessages.error(ErrorCode.FRAME_TOO_LARGE, "The message is too large; this connection is closed",
            reason), metrics);
    WebSocketEntry entry = new WebSocketEntry(vertx, config.nodeId(), config.allowGuests(), config.maxTextBytes(),
        config.maxBinaryBytes(), tokenVerifier(), directory,
        rooms, chat, presence, localRooms, sessions, feed, mediaStats, config.packetMillis(), relays,
        edge, config.edge().writeQueueBytes(), config.web().origins(),
        config.messages());

    Future<Void> control = vertx.eventBus().<JsonObject>consumer(Addresses.gatewayControl(config.nodeId()), msg -> {
      JsonObject body = msg.body();
      switch (body.getString("action", "")) {
        case "close_session" -> sessions.get(body.getString("session_id")).ifPresent(s ->
            s.close(ErrorCode.fromCode(body.getString("code")), body.getString("message")));
        case "deliver" -> sessions.get(body.getString("session_id")).ifPresent(s ->
            s.sendText(body.getJsonObject("message").encode()));
        default -> LOG.warn("unknown control action {}", body.getString("action"));
      }
    }).completion();

    // The heartbeat runs in a verticle of its own (its own event loop): a fan-out that keeps this
    // verticle's loop busy must not make presence think the node died and drop its listeners.
    JsonObject heartbeat = new JsonObject().put("node_id", config.nodeId());
    long heartbeatMillis = config.heartbeatInterval().toMillis();
    Future<String> beating = vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        vertx.setPeriodic(0, heartbeatMillis, id -> vertx.eventBus().publish(Addresses.GATEWAY_HEARTBEAT, heartbeat));
        return Future.succeededFuture();
      }
    });

    // The edge's FrameGuard closes an oversize message (1009) before Netty or Vert.x assemble
    // more than the protocol limit of its type; the server's own limits are the larger of the
    // two, so they never act first (Vert.x would drop the connection with no close code).
    int serverLimit = Math.max(config.maxTextBytes(), config.maxBinaryBytes());
    HttpServerOptions options = new HttpServerOptions()
        .setPort(config.httpPort())
        .setHost(config.httpHost())
        .setMaxWebSocketFrameSize(serverLimit)
        .setMaxWebSocketMessageSize(serverLimit)
        // No compression for client frames: an inflated frame has no size limit (a 64 KiB frame
        // inflated to 64 MiB stalled the gateway); RSV1 from a client is then a protocol error.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // HTTP/1.1 from the first byte: with h2c detection Vert.x makes the connection (and so
        // calls our connection handler, which starts the handshake deadline) only once bytes arrive.
        .setHttp2ClearTextEnabled(false)
        // Keep-alive HTTP connections with no traffic are closed; WebSockets are pinged more often.
        .setIdleTimeout((int) config.edge().httpIdleTimeout().toMillis())
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        // A small kernel send buffer per socket: a listener who stops reading shows up in the
        // write queue (and loses frames) within seconds instead of hiding megabytes in the kernel.
        .setSendBufferSize(64 * 1024)
        .setWebSocketSubProtocols(java.util.List.of(MediaFraming.SUBPROTOCOL));
    server = vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          FlushBatching.install(connection);
          edge.connected(connection);
        })
        .webSocketHandshakeHandler(entry);
    io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> routes =
        HttpRoutes.create(vertx, presence, devTokens, config.web());
    server.requestHandler(request -> {
      edge.requestArrived(request);
      routes.handle(request);
    });
    edge.start();
    return Future.all(control, feed.start(), relayHeartbeats, beating)
        .compose(v -> server.listen())
        .onSuccess(s -> LOG.info("gateway {} listening on port {}", config.nodeId(), s.actualPort()));
  }
}
