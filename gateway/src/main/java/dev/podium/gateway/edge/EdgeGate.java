package dev.podium.gateway.edge;

import dev.podium.api.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's edge limits, wired to Vert.x: every connection on the HTTP port is known from TCP
 * accept to close. It must finish its request headers and, for a WebSocket, its admission within
 * the handshake timeout; WebSockets per client address and per user are capped, go-live and join
 * handshakes per address are rate-limited; open WebSockets are pinged by one timer and closed when
 * silent for the idle timeout. One per event loop (everything of a connection runs on its loop);
 * the counts and rates are the node's ({@link Shared}).
 */
public final class EdgeGate {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeGate.class);
  private static final Buffer PING = Buffer.buffer();

  /**
   * What a WebSocket is for: go-live and join handshakes use the join rate, all count as
   * connections.
   */
  public enum Kind {
    ACTIVE_STREAMS,
    GO_LIVE,
    JOIN
  }

  /** How a handshake is refused: the {@code error} it gets and the close code after it. */
  public record Refusal(ErrorCode code, String message, String details, int closeCode) {}

  private final Vertx vertx;
  private final EdgeLimits limits;
  private final int maxTextBytes;
  private final int maxBinaryBytes;
  private final Function<String, String> tooLargeError;
  private final LongSupplier clock = System::nanoTime;
  private final ClientAddress clients;
  private final KeyCounts tcpPerPeer;
  private final KeyCounts socketsPerClient;
  private final KeyCounts socketsPerUser;
  private final TokenBuckets joins;
  private final SilenceWatch<Connection> handshakes;
  private final SilenceWatch<ServerWebSocket> sockets;
  private final Map<ServerWebSocket, Runnable> onIdle = new HashMap<>();
  private final Map<String, Connection> byAddress;
  private final LogBudget logs;

  /**
   * What the edge counts per gateway node, shared by the {@code EdgeGate} of every event loop so
   * that the caps and the join rate hold for the node however connections are spread over loops:
   * the counters are synchronized, the connection table is concurrent (each loop only touches its
   * own connections' entries). Deadlines, pings and idle checks stay per loop, on the sockets' own
   * loop.
   */
  public static final class Shared {
    private final ClientAddress clients;
    private final KeyCounts tcpPerPeer = new KeyCounts();
    private final KeyCounts socketsPerClient = new KeyCounts();
    private final KeyCounts socketsPerUser = new KeyCounts();
    private final TokenBuckets joins;
    private final LogBudget logs;
    private final Map<String, Object> byAddress = new java.util.concurrent.ConcurrentHashMap<>();

    public Shared(EdgeLimits limits, MeterRegistry metrics) {
      LongSupplier clock = System::nanoTime;
      this.clients = new ClientAddress(limits.trustedProxies());
      this.joins = new TokenBuckets(limits.joinsPerSecond(), limits.joinBurst(), clock);
      this.logs = new LogBudget(20, clock);
      metrics.gauge("podium_edge_connections", byAddress, Map::size);
    }
  }

  private final MeterRegistry metrics;
  private long timer = -1;
  private long lastPing;
  private long lastForget;

  /** One TCP connection on the HTTP port and what it holds. */
  private final class Connection {
    final HttpConnection http;
    final String address;
    final String peer;
    String tcpCounted;
    String client;
    String user;
    Ticket ticket;
    ServerWebSocket socket;

    Connection(HttpConnection http, String address, String peer) {
      this.http = http;
      this.address = address;
      this.peer = peer;
    }

    /** Gives back everything this connection holds; safe to call more than once. */
    void release() {
      if (tcpCounted != null) {
        tcpPerPeer.remove(tcpCounted);
        tcpCounted = null;
      }
      if (client != null) {
        socketsPerClient.remove(client);
        client = null;
      }
      if (user != null) {
        socketsPerUser.remove(user);
        user = null;
      }
      handshakes.forget(this);
      if (socket != null) {
        sockets.forget(socket);
        onIdle.remove(socket);
      }
      byAddress.remove(address, this);
    }
  }

  /** One WebSocket handshake on its way through admission. */
  public final class Ticket {
    private final Connection connection;
    private final String client;
    private Refusal refusal;
    private boolean settled;
    private Runnable onTimeout = () -> {};

    private Ticket(Connection connection, String client) {
      this.connection = connection;
      this.client = client;
    }

    /** The address the client is counted by (after trusted proxies). */
    public String client() {
      return client;
    }

    /** Set when the edge refused the handshake outright; the caller sends it. */
    public Refusal refusal() {
      return refusal;
    }

    /**
     * What to do when admission outlasts the handshake timeout (refuse with {@code
     * handshake_timeout}).
     */
    public void onTimeout(Runnable action) {
      this.onTimeout = action;
    }

    /**
     * True for the first of admission and the timeout to finish this handshake; the other must then
     * leave the handshake alone.
     */
    public boolean settle() {
      if (settled) {
        return false;
      }
      settled = true;
      if (connection.ticket == this) {
        connection.ticket = null;
      }
      handshakes.forget(connection);
      return true;
    }

    /**
     * Counts a socket for this user on this gateway; the refusal when the user already holds the
     * cap.
     */
    public Refusal claimUser(String userId) {
      if (connection.user != null) {
        return null;
      }
      if (!socketsPerUser.tryAdd(userId, limits.maxSocketsPerUser())) {
        return refused(
            ErrorCode.TOO_MANY_CONNECTIONS,
            "Too many connections for this user",
            "at most "
                + limits.maxSocketsPerUser()
                + " sockets per user on one gateway; close another tab or "
                + "connection first",
            client);
      }
      connection.user = userId;
      return null;
    }

    /** Gives back what this handshake's connection holds (also done when the connection closes). */
    public void release() {
      connection.release();
    }
  }

  /** One per event loop, built on it; {@code shared} is the node's ({@link Shared}). */
  @SuppressWarnings("unchecked")
  public EdgeGate(
      Vertx vertx,
      EdgeLimits limits,
      Shared shared,
      int maxTextBytes,
      int maxBinaryBytes,
      Function<String, String> tooLargeError,
      MeterRegistry metrics) {
    this.vertx = vertx;
    this.limits = limits;
    this.maxTextBytes = maxTextBytes;
    this.maxBinaryBytes = maxBinaryBytes;
    this.tooLargeError = tooLargeError;
    this.metrics = metrics;
    this.clients = shared.clients;
    this.tcpPerPeer = shared.tcpPerPeer;
    this.socketsPerClient = shared.socketsPerClient;
    this.socketsPerUser = shared.socketsPerUser;
    this.joins = shared.joins;
    this.logs = shared.logs;
    // Keys are address|port of live connections: unique across loops, so loops never collide.
    this.byAddress = (Map<String, Connection>) (Map<String, ?>) shared.byAddress;
    this.handshakes = new SilenceWatch<>(limits.handshakeTimeout().toNanos());
    this.sockets = new SilenceWatch<>(limits.idleTimeout().toNanos());
  }

  /** Starts the one timer that enforces deadlines and pings every socket. */
  public void start() {
    long tick =
        Math.max(
            20,
            Math.min(
                1_000,
                Math.min(
                    limits.pingInterval().toMillis(),
                    Math.min(limits.idleTimeout().toMillis(), limits.handshakeTimeout().toMillis())
                        / 4)));
    lastPing = clock.getAsLong();
    lastForget = lastPing;
    timer = vertx.setPeriodic(tick, id -> tick());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * The HTTP server's connection handler: counts the connection and starts its handshake deadline.
   */
  public void connected(HttpConnection http) {
    String address = key(http.remoteAddress());
    String peer = Cidr.canonical(host(http.remoteAddress()));
    Connection connection = new Connection(http, address, peer);
    FrameGuard.install(
        http,
        new FrameGuard(
            new FrameInspector(maxTextBytes, maxBinaryBytes),
            () -> connection.client != null ? connection.client : peer,
            logs,
            tooLargeError,
            connection::release));
    byAddress.put(address, connection);
    handshakes.heard(connection, clock.getAsLong());
    if (!clients.isTrusted(peer)) {
      // Behind a trusted proxy the peer is the proxy; only a direct client is counted here.
      if (!tcpPerPeer.tryAdd(peer, 2 * limits.maxConnectionsPerIp())) {
        count("too_many_connections");
        log(
            "closing a connection from {}: it has {} open (twice PODIUM_MAX_CONNECTIONS_PER_IP)",
            peer,
            tcpPerPeer.count(peer));
        connection.release();
        http.close();
        return;
      }
      connection.tcpCounted = peer;
    }
  }

  /** An HTTP request's headers are in: its connection has made its deadline. */
  public void requestArrived(HttpServerRequest request) {
    Connection connection = byAddress.get(key(request.remoteAddress()));
    if (connection != null) {
      handshakes.forget(connection);
    }
  }

  /** A WebSocket handshake's headers are in: counts it, applies the caps and the join rate. */
  public Ticket open(ServerWebSocketHandshake handshake, Kind kind) {
    String address = key(handshake.remoteAddress());
    Connection connection = byAddress.get(address);
    if (connection == null) {
      // Not seen by connected() (should not happen): keep its books anyway, released on close.
      connection = new Connection(null, address, Cidr.canonical(host(handshake.remoteAddress())));
      byAddress.put(address, connection);
    }
    String client = clients.resolve(connection.peer, handshake.headers().getAll("X-Forwarded-For"));
    Ticket ticket = new Ticket(connection, client);
    connection.ticket = ticket;
    if (connection.client == null) {
      if (!socketsPerClient.tryAdd(client, limits.maxConnectionsPerIp())) {
        ticket.refusal =
            refused(
                ErrorCode.TOO_MANY_CONNECTIONS,
                "Too many connections from your address",
                "at most "
                    + limits.maxConnectionsPerIp()
                    + " WebSockets per address on one gateway; close some and "
                    + "try again",
                client);
        ticket.settle();
        return ticket;
      }
      connection.client = client;
    }
    if (kind != Kind.ACTIVE_STREAMS) {
      long waitMs = joins.take(client);
      if (waitMs > 0) {
        ticket.refusal =
            refused(
                ErrorCode.RATE_LIMITED,
                "Too many joins from your address; try again shortly",
                "at most "
                    + limits.joinsPerSecond()
                    + " go-live or join handshakes per second per address (bursts of "
                    + limits.joinBurst()
                    + "); retry in "
                    + waitMs
                    + " ms",
                client);
        ticket.settle();
        return ticket;
      }
    }
    return ticket;
  }

  /** An accepted WebSocket: pinged from now on, and {@code idle} runs if it falls silent. */
  public void watch(Ticket ticket, ServerWebSocket socket, Runnable idle) {
    ticket.connection.socket = socket;
    sockets.heard(socket, clock.getAsLong());
    onIdle.put(socket, idle);
    // Any complete frame is a sign of life, a pong included; a partial frame is not.
    socket.frameHandler(
        frame -> {
          if (onIdle.containsKey(socket)) {
            sockets.heard(socket, clock.getAsLong());
          }
        });
  }

  /** The handshake timed out: how the caller refuses it. */
  public Refusal handshakeTimeout(Ticket ticket) {
    return new Refusal(
        ErrorCode.HANDSHAKE_TIMEOUT,
        "The connection could not be admitted in time; try again",
        "admission took longer than " + limits.handshakeTimeout().toMillis() + " ms",
        ErrorCode.HANDSHAKE_TIMEOUT.closeCode());
  }

  /** The message and details an idle socket gets before it is closed. */
  public Refusal idleTimeout() {
    return new Refusal(
        ErrorCode.IDLE_TIMEOUT,
        "Nothing was heard from this connection for too long",
        "no frame and no pong for "
            + limits.idleTimeout().toMillis()
            + " ms (pings every "
            + limits.pingInterval().toMillis()
            + " ms)",
        ErrorCode.IDLE_TIMEOUT.closeCode());
  }

  private void tick() {
    long now = clock.getAsLong();
    for (Connection connection : handshakes.expired(now)) {
      Ticket ticket = connection.ticket;
      if (ticket != null) {
        if (ticket.settle()) {
          count(ErrorCode.HANDSHAKE_TIMEOUT.code());
          log("WebSocket admission of {} took longer than the handshake timeout", ticket.client);
          ticket.onTimeout.run();
        }
      } else if (connection.socket == null && connection.http != null) {
        count("headers_timeout");
        log(
            "closing a connection from {}: no complete request within the handshake timeout",
            connection.peer);
        connection.http.close();
      }
    }
    for (ServerWebSocket socket : sockets.expired(now)) {
      Runnable idle = onIdle.remove(socket);
      if (idle != null) {
        count(ErrorCode.IDLE_TIMEOUT.code());
        idle.run();
      }
    }
    if (now - lastPing >= limits.pingInterval().toNanos()) {
      lastPing = now;
      for (ServerWebSocket socket : sockets.all()) {
        if (!socket.isClosed()) {
          socket.writePing(PING);
        }
      }
    }
    if (now - lastForget >= 60_000_000_000L) {
      lastForget = now;
      joins.forgetFull();
    }
  }

  private Refusal refused(ErrorCode code, String message, String details, String client) {
    count(code.code());
    log("refusing a WebSocket from {}: {}", client, code.code());
    // rate_limited never closes an open socket (close code 0); at the handshake it means 429 too.
    return new Refusal(code, message, details, code.closeCode() != 0 ? code.closeCode() : 4029);
  }

  private void count(String reason) {
    metrics.counter("podium_edge_refused_total", "reason", reason).increment();
  }

  private void log(String format, Object... args) {
    long left = logs.take();
    if (left >= 0) {
      LOG.info(format + (left > 0 ? " (" + left + " similar lines left out)" : ""), args);
    }
  }

  private static String host(SocketAddress address) {
    if (address == null) {
      return "unknown";
    }
    return address.hostAddress() != null ? address.hostAddress() : String.valueOf(address.host());
  }

  private static String key(SocketAddress address) {
    return address == null ? "unknown" : host(address) + "|" + address.port();
  }
}
