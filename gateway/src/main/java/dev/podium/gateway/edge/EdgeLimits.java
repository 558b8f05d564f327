package dev.podium.gateway.edge;

import dev.podium.runtime.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the public edge allows one client: timeouts, per-address and per-user caps, the join rate,
 * and the trusted proxies whose {@code X-Forwarded-For} names the client.
 *
 * @param handshakeTimeout from TCP accept until the request headers are in and, for a WebSocket,
 *     admission (token check, room-service calls) has answered ({@code
 *     PODIUM_HANDSHAKE_TIMEOUT_MS})
 * @param httpIdleTimeout a plain HTTP keep-alive connection with no traffic this long is closed
 *     ({@code PODIUM_HTTP_IDLE_TIMEOUT_MS})
 * @param pingInterval how often every WebSocket is pinged ({@code PODIUM_WS_PING_MS})
 * @param idleTimeout a WebSocket that sent no complete frame (a pong counts) this long is closed
 *     ({@code PODIUM_WS_IDLE_TIMEOUT_MS})
 * @param maxConnectionsPerIp WebSockets open or being admitted per client address ({@code
 *     PODIUM_MAX_CONNECTIONS_PER_IP}); a direct peer's TCP connections are also cut at twice this,
 *     without an answer
 * @param joinsPerSecond go-live and join handshakes per client address per second, sustained
 *     ({@code PODIUM_JOIN_RATE_PER_SECOND})
 * @param joinBurst how many of them may come at once ({@code PODIUM_JOIN_BURST})
 * @param maxSocketsPerUser room sockets one user id may hold on this gateway ({@code
 *     PODIUM_MAX_SOCKETS_PER_USER})
 * @param writeQueueBytes bytes queued for one socket before it counts as behind ({@code
 *     PODIUM_WS_WRITE_QUEUE_BYTES})
 * @param trustedProxies peers whose {@code X-Forwarded-For} is believed ({@code
 *     PODIUM_TRUSTED_PROXIES})
 */
public record EdgeLimits(
    Duration handshakeTimeout,
    Duration httpIdleTimeout,
    Duration pingInterval,
    Duration idleTimeout,
    int maxConnectionsPerIp,
    int joinsPerSecond,
    int joinBurst,
    int maxSocketsPerUser,
    int writeQueueBytes,
    List<Cidr> trustedProxies) {

  public EdgeLimits {
    trustedProxies = List.copyOf(trustedProxies);
  }

  public static EdgeLimits from(Settings settings) {
    Duration handshake = positive(settings, "PODIUM_HANDSHAKE_TIMEOUT_MS", 10_000, 100, 600_000);
    Duration httpIdle = positive(settings, "PODIUM_HTTP_IDLE_TIMEOUT_MS", 60_000, 1_000, 3_600_000);
    Duration ping = positive(settings, "PODIUM_WS_PING_MS", 10_000, 50, 600_000);
    Duration idle = positive(settings, "PODIUM_WS_IDLE_TIMEOUT_MS", 30_000, 100, 3_600_000);
    if (idle.compareTo(ping.multipliedBy(2)) < 0) {
      throw new Settings.InvalidSettingException(
          "PODIUM_WS_IDLE_TIMEOUT_MS",
          "must be at least twice PODIUM_WS_PING_MS ("
              + ping.toMillis()
              + " ms), so that a live client has two pings to answer before it is dropped; got "
              + idle.toMillis());
    }
    if (httpIdle.compareTo(ping) <= 0) {
      throw new Settings.InvalidSettingException(
          "PODIUM_HTTP_IDLE_TIMEOUT_MS",
          "must be longer than PODIUM_WS_PING_MS ("
              + ping.toMillis()
              + " ms): the HTTP idle timeout also covers WebSockets, which the pings keep busy; got "
              + httpIdle.toMillis());
    }
    return new EdgeLimits(
        handshake,
        httpIdle,
        ping,
        idle,
        settings.integer("PODIUM_MAX_CONNECTIONS_PER_IP", 100, 1, 1_000_000),
        settings.integer("PODIUM_JOIN_RATE_PER_SECOND", 5, 1, 1_000_000),
        settings.integer("PODIUM_JOIN_BURST", 30, 1, 1_000_000),
        settings.integer("PODIUM_MAX_SOCKETS_PER_USER", 10, 1, 100_000),
        settings.integer("PODIUM_WS_WRITE_QUEUE_BYTES", 256 * 1024, 16 * 1024, 64 * 1024 * 1024),
        proxies(settings.optional("PODIUM_TRUSTED_PROXIES")));
  }

  private static Duration positive(
      Settings settings, String name, long fallback, long min, long max) {
    Duration value = settings.millis(name, fallback);
    if (value.toMillis() < min || value.toMillis() > max) {
      throw new Settings.InvalidSettingException(
          name, "must be between " + min + " and " + max + " ms, got " + value.toMillis());
    }
    return value;
  }

  private static List<Cidr> proxies(String value) {
    List<Cidr> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(Cidr.parse(part.trim()));
      } catch (IllegalArgumentException e) {
        throw new Settings.InvalidSettingException(
            "PODIUM_TRUSTED_PROXIES",
            "must be a comma-separated list of "
                + "addresses or CIDR blocks (e.g. 10.0.0.0/8,fd00::/8): "
                + e.getMessage());
      }
    }
    return out;
  }
}
