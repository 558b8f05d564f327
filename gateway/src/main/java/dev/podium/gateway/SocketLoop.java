package dev.podium.gateway;

import dev.podium.api.ErrorCode;
import dev.podium.api.chat.ChatService;
import dev.podium.api.history.HistoryService;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import dev.podium.gateway.auth.DevTokens;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.auth.UserDirectory;
import dev.podium.gateway.edge.EdgeGate;
import dev.podium.gateway.edge.TokenBuckets;
import dev.podium.gateway.http.HttpRoutes;
import dev.podium.gateway.rates.MessageRates;
import dev.podium.gateway.ws.ActiveStreamsFeed;
import dev.podium.gateway.ws.ClientMessages;
import dev.podium.gateway.ws.ConnectedSessions;
import dev.podium.gateway.ws.LocalRooms;
import dev.podium.gateway.ws.MediaFraming;
import dev.podium.gateway.ws.MediaStats;
import dev.podium.gateway.ws.RoomFeeds;
import dev.podium.gateway.ws.Session;
import dev.podium.gateway.ws.WebSocketEntry;
import dev.podium.runtime.LoopThreads;
import dev.podium.runtime.ownership.ServiceOwnership;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the gateway: its own HTTP server on the node's port (Vert.x hands the
 * port's connections to the servers of all loops in turn), its edge checks, admission and the
 * sockets it accepted; everything of those sockets runs on this loop. What must hold for the whole
 * node is shared and given in {@link Node}: room subscriptions, sessions by id, message rates, edge
 * counts, media counters, the observed ring of the media relays, the token verifier's key cache and
 * the user directory. Built on its loop (the gateway verticle's for the first, a verticle of its
 * own for each other).
 */
final class SocketLoop {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SocketLoop.class);

  /** The node-wide collaborators every loop shares. */
  record Node(
      GatewayConfig config,
      RoomFeeds feeds,
      ConnectedSessions sessions,
      MessageRates rates,
      EdgeGate.Shared edge,
      MediaStats mediaStats,
      ServiceOwnership relays,
      RoomService rooms,
      PresenceService presence,
      List<ActiveStreamsFeed> watchers,
      MeterRegistry metrics,
      TokenVerifier tokens,
      Optional<UserDirectory> directory,
      TokenBuckets recordReads) {}

  private final Vertx vertx;
  private final Node node;
  private HttpServer server;
  private EdgeGate edge;
  private MinorityGuard minority;
  private boolean toldCutOff;

  SocketLoop(Vertx vertx, Node node) {
    this.vertx = vertx;
    this.node = node;
  }

  /** Starts serving on {@code port} (a negative port: the node's shared random port). */
  Future<HttpServer> start(int port) {
    // Called on this loop's own context: an all-in-one keeps its media relay off these threads.
    LoopThreads.claim(vertx, LoopThreads.GATEWAY);
    GatewayConfig config = node.config();
    minority = MinorityGuard.of(vertx);
    RoomService rooms = node.rooms();
    ChatService chat = ChatService.createProxy(vertx);
    PresenceService presence = node.presence();
    ActiveStreamsFeed feed = new ActiveStreamsFeed(vertx, presence);
    node.watchers().add(feed);
    LocalRooms localRooms = new LocalRooms(vertx, node.feeds());
    Optional<DevTokens> devTokens =
        config.devMode()
            ? Optional.of(
                new DevTokens(vertx, config.jwtSecret(), config.userClaim(), config.jwt()))
            : Optional.empty();
    edge =
        new EdgeGate(
            vertx,
            config.edge(),
            node.edge(),
            config.maxTextBytes(),
            config.maxBinaryBytes(),
            reason ->
                ClientMessages.error(
                    ErrorCode.FRAME_TOO_LARGE,
                    "The message is too large; this connection is closed",
                    reason),
            node.metrics());
    WebSocketEntry entry =
        new WebSocketEntry(
            vertx,
            config.nodeId(),
            config.allowGuests(),
            config.maxTextBytes(),
            config.maxBinaryBytes(),
            node.tokens(),
            node.directory(),
            rooms,
            chat,
            presence,
            localRooms,
            node.sessions(),
            feed,
            node.mediaStats(),
            config.packetMillis(),
            node.relays(),
            edge,
            config.edge().writeQueueBytes(),
            config.web().origins(),
            config.messages(),
            node.rates(),
            minority::cutOff);

    // The edge's FrameGuard closes an oversize message (1009) before Netty or Vert.x assemble
    // more than the protocol limit of its type; the server's own limits are the larger of the
    // two, so they never act first (Vert.x would drop the connection with no close code).
    int serverLimit = Math.max(config.maxTextBytes(), config.maxBinaryBytes());
    HttpServerOptions options =
        new HttpServerOptions()
            .setPort(port)
            .setHost(config.httpHost())
            .setMaxWebSocketFrameSize(serverLimit)
            .setMaxWebSocketMessageSize(serverLimit)
            // No compression for client frames: an inflated frame has no size limit (a 64 KiB frame
            // inflated to 64 MiB stalled the gateway); RSV1 from a client is then a protocol error.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            // HTTP/1.1 from the first byte: with h2c detection Vert.x makes the connection (and so
            // calls our connection handler, which starts the handshake deadline) only once bytes
            // arrive.
            .setHttp2ClearTextEnabled(false)
            // Keep-alive HTTP connections with no traffic are closed; WebSockets are pinged more
            // often.
            .setIdleTimeout((int) config.edge().httpIdleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            // A small kernel send buffer per socket: a listener who stops reading shows up in the
            // write queue (and loses frames) within seconds instead of hiding megabytes in the
            // kernel.
            .setSendBufferSize(64 * 1024)
            .setWebSocketSubProtocols(List.of(MediaFraming.SUBPROTOCOL));
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(
                connection -> {
                  FlushBatching.install(connection);
                  edge.connected(connection);
                })
            .webSocketHandshakeHandler(entry);
    io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> routes =
        HttpRoutes.create(
            vertx,
            feed::httpBody,
            HistoryService.createProxy(vertx),
            node.tokens(),
            node.recordReads(),
            devTokens,
            config.web());
    server.requestHandler(
        request -> {
          edge.requestArrived(request);
          routes.handle(request);
        });
    edge.start();
    vertx.setPeriodic(MINORITY_CHECK_MS, id -> checkMinority());
    return feed.start().compose(v -> server.listen());
  }

  /** How often a loop looks whether its gateway is cut off with a minority of the cluster. */
  static final long MINORITY_CHECK_MS = 500;

  /**
   * Cut off with a minority of the cluster (split-brain protection refuses every change there and
   * the events are owned on the other side): tell this loop's sockets to reconnect, as at a
   * shutdown, rather than leave them in rooms that went silent. New sockets are refused meanwhile
   * ({@link WebSocketEntry}).
   */
  private void checkMinority() {
    boolean cutOff = minority.cutOff();
    if (cutOff && !toldCutOff) {
      Random jitter = new Random();
      int told = 0;
      for (Session session : node.sessions().all()) {
        if (session.onCallersLoop()) {
          session.closeForRestart(500 + jitter.nextInt(1000));
          told++;
        }
      }
      LOG.warn(
          "gateway cut off with a minority of the cluster ({}): {} socket(s) of this loop told to"
              + " reconnect; new ones refused until it is back in a majority",
          minority.describe(),
          told);
    } else if (!cutOff && toldCutOff) {
      LOG.info(
          "gateway back in a majority of the cluster ({}): accepting sockets", minority.describe());
    }
    toldCutOff = cutOff;
  }

  /**
   * Graceful shutdown (SIGTERM), on each loop as Vert.x stops it: stop accepting, send every client
   * of this loop {@code reconnect {after_ms}} (spread over a second so that they do not all come
   * back at once) and close them; their disconnects reach presence while this node is still in the
   * cluster. Done by each loop for its own sockets before its server goes: a loop's server shutdown
   * closes its connections.
   */
  Future<Void> stop() {
    if (edge != null) {
      edge.stop();
    }
    Random jitter = new Random();
    for (Session session : node.sessions().all()) {
      if (session.onCallersLoop()) {
        session.closeForRestart(500 + jitter.nextInt(1000));
      }
    }
    // Then stop listening, giving the close handshakes up to 2 s.
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(2, TimeUnit.SECONDS).otherwiseEmpty();
  }
}
