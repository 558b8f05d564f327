package dev.podium.gateway;

import dev.podium.api.Addresses;
import dev.podium.api.GatewayHeartbeat;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.auth.UserDirectory;
import dev.podium.gateway.edge.EdgeGate;
import dev.podium.gateway.http.HttpRoutes;
import dev.podium.gateway.rates.MessageRates;
import dev.podium.gateway.ws.ActiveStreamsFeed;
import dev.podium.gateway.ws.ConnectedSessions;
import dev.podium.gateway.ws.MediaStats;
import dev.podium.gateway.ws.RoomFeeds;
import dev.podium.gateway.ws.SessionControl;
import dev.podium.runtime.ownership.OwnerClient;
import dev.podium.runtime.ownership.ServiceOwnership;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public edge of one gateway node. The verticle itself wires what the node has once (room
 * subscriptions, the control address, its view of the media relays' ring, sessions by id, shared
 * limits, the token verifier's key cache, the user directory) and serves the first of {@code
 * PODIUM_GATEWAY_LOOPS} event loops; each other loop is a {@link LoopVerticle} with its own HTTP
 * server on the same port ({@link SocketLoop}). A heartbeat to presence runs in a verticle of its
 * own.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final GatewayConfig config;
  private SocketLoop first;
  private HttpServer server;
  private ServiceOwnership relays;
  private OwnerClient<RoomService> rooms;
  private OwnerClient<PresenceService> presence;

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
   * Graceful shutdown of the first loop; Vert.x stops the other loops (child deployments) the same
   * way.
   */
  @Override
  public Future<?> stop() {
    Future<?> loop = first == null ? Future.succeededFuture() : first.stop();
    return loop.eventually(
        () ->
            Future.all(
                relays == null ? Future.succeededFuture() : relays.stop(),
                rooms == null ? Future.succeededFuture() : rooms.stop(),
                presence == null ? Future.succeededFuture() : presence.stop()));
  }

  /** One more event loop of this gateway. */
  private static final class LoopVerticle extends VerticleBase {
    private final SocketLoop.Node node;
    private final int port;
    private SocketLoop loop;

    LoopVerticle(SocketLoop.Node node, int port) {
      this.node = node;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      loop = new SocketLoop(vertx, node);
      return loop.start(port);
    }

    @Override
    public Future<?> stop() {
      return loop.stop();
    }
  }

  @Override
  public Future<?> start() {
    ConnectedSessions sessions = new ConnectedSessions();
    MediaStats mediaStats = new MediaStats();
    // The relays' own ring, observed (this node mixes nothing): audio goes straight to an event's
    // owner. Every loop reads the cached ring; it changes only on Hazelcast's membership and
    // registry events.
    relays = ServiceOwnership.observe(vertx, Addresses.MEDIA_RELAY_RING);
    Future<Void> relayRing = relays.start(ring -> {});
    // Likewise every room and presence call goes straight to the event's owner, by the services'
    // rings observed here (one view for the node; the clients are shared by its loops).
    rooms = OwnerClient.rooms(vertx);
    presence = OwnerClient.presence(vertx);
    Future<Void> serviceRings = Future.all(rooms.start(), presence.start()).mapEmpty();
    // Built here: this verticle's context is the node's room thread (one consumer per room per
    // node).
    RoomFeeds feeds = new RoomFeeds(vertx, config.nodeId(), mediaStats);
    List<ActiveStreamsFeed> watchers = new CopyOnWriteArrayList<>();
    io.micrometer.core.instrument.MeterRegistry metrics =
        dev.podium.runtime.ops.Observability.registry(vertx);
    metrics.gauge("podium_gateway_sockets", sessions, ConnectedSessions::size);
    metrics.gauge("podium_gateway_rooms", feeds, RoomFeeds::roomCount);
    metrics.gauge(
        "podium_gateway_stream_watchers",
        watchers,
        w -> w.stream().mapToInt(ActiveStreamsFeed::size).sum());
    metrics.gauge("podium_gateway_loops", config, c -> c.loops());
    io.micrometer.core.instrument.FunctionCounter.builder(
            "podium_media_frames_out_total", mediaStats, MediaStats::deliveredFrames)
        .register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "podium_media_frames_dropped_total", mediaStats, MediaStats::droppedFrames)
        .tag("reason", "socket_behind")
        .register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "podium_media_packets_in_total", mediaStats, MediaStats::packetsReceived)
        .register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "podium_snapshots_skipped_total", mediaStats, MediaStats::snapshotsSkipped)
        .description("List, count and level messages skipped for sockets that were behind")
        .register(metrics);
    if (config.jwtSecretGenerated()) {
      LOG.warn(
          "PODIUM_DEV=true and no PODIUM_JWT_SECRET: generated a secret for this run only. "
              + "Get tokens from GET /dev/token?user_id=...; never run like this in production.");
    }
    // One key cache and one directory cache for the node (thread-safe, answers on the caller's
    // loop): a JWKS refresh or a directory answer is fetched once, not once per loop.
    TokenVerifier tokens =
        new TokenVerifier(vertx, config.jwtSecret(), config.userClaim(), config.jwt());
    tokens.warmUp();
    Optional<UserDirectory> directory =
        Optional.ofNullable(config.authLookupUrl())
            .map(url -> new UserDirectory(vertx, url, config.authLookupTtl()));
    SocketLoop.Node node =
        new SocketLoop.Node(
            config,
            feeds,
            sessions,
            new MessageRates(config.messages(), System::nanoTime),
            new EdgeGate.Shared(config.edge(), metrics),
            mediaStats,
            relays,
            rooms.client(),
            presence.client(),
            watchers,
            metrics,
            tokens,
            directory,
            HttpRoutes.recordReadBuckets(vertx));

    SessionControl sessionControl = new SessionControl(sessions::get);
    Future<Void> control =
        vertx
            .eventBus()
            .consumer(
                Addresses.gatewayControl(config.nodeId()), msg -> sessionControl.handle(msg.body()))
            .completion();

    // A presence owner replaced after a kill asks for the event's sessions again (what it lost).
    Future<Void> resync =
        new dev.podium.gateway.ws.SessionResync(
                vertx, config.nodeId(), eventId -> sessions.ofEvent(eventId, config.nodeId()))
            .start();

    // The heartbeat runs in a verticle of its own (its own event loop): a fan-out that keeps this
    // verticle's loop busy must not make presence think the node died and drop its listeners.
    // The Hazelcast member UUID (not Vert.x's node id, which differs): presence checks it in its
    // own member list.
    String member =
        dev.podium.runtime.ClusterReach.hazelcast(vertx)
            .map(hz -> hz.getCluster().getLocalMember().getUuid().toString())
            .orElse(null);
    JsonObject heartbeat = new GatewayHeartbeat(config.nodeId(), member).toJson();
    long heartbeatMillis = config.heartbeatInterval().toMillis();
    Future<String> beating =
        vertx.deployVerticle(
            new io.vertx.core.VerticleBase() {
              @Override
              public Future<?> start() {
                vertx.setPeriodic(
                    0,
                    heartbeatMillis,
                    id -> vertx.eventBus().publish(Addresses.GATEWAY_HEARTBEAT, heartbeat));
                return Future.succeededFuture();
              }
            });

    // Servers on one port in one Vert.x share its connections, round-robin over their loops. Port 0
    // would give each server a port of its own; a negative port makes them share one random port.
    int port =
        config.httpPort() != 0 ? config.httpPort() : -(1 + new java.util.Random().nextInt(60_000));
    first = new SocketLoop(vertx, node);
    return Future.all(List.of(control, relayRing, serviceRings, beating, resync, feeds.ready()))
        .compose(v -> first.start(port))
        .compose(
            s -> {
              server = s;
              return config.loops() == 1
                  ? Future.succeededFuture()
                  : vertx.deployVerticle(
                      () -> new LoopVerticle(node, port),
                      new DeploymentOptions().setInstances(config.loops() - 1));
            })
        .onSuccess(
            s ->
                LOG.info(
                    "gateway {} listening on port {} with {} event loops",
                    config.nodeId(),
                    server.actualPort(),
                    config.loops()));
  }
}
