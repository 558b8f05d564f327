package dev.podium.runtime.ops;

import dev.podium.runtime.Settings;

/**
 * Where a process serves its operations endpoints ({@code /health/live}, {@code /health/ready},
 * {@code /metrics}): {@code PODIUM_OPS_PORT} (default 9100; 0 runs no ops server) on {@code
 * PODIUM_OPS_HOST} (default 127.0.0.1, so that by default nothing but a gateway's client port
 * listens beyond loopback; Kubernetes sets 0.0.0.0 for its probes and scrapes).
 */
public record OpsSettings(String host, int port) {
  public static final int DEFAULT_PORT = 9100;
  public static final String DEFAULT_HOST = "127.0.0.1";

  public static OpsSettings from(Settings settings) {
    int port = settings.integer("PODIUM_OPS_PORT", DEFAULT_PORT, 0, 65535);
    String host = settings.string("PODIUM_OPS_HOST", DEFAULT_HOST);
    if (host.chars().anyMatch(c -> c <= ' ' || c == '/')) {
      throw new Settings.InvalidSettingException(
          "PODIUM_OPS_HOST", "must be an interface address or host name, got '" + host + "'");
    }
    return new OpsSettings(host, port);
  }

  /** False for {@code PODIUM_OPS_PORT=0}: no probes and no metrics for this process. */
  public boolean enabled() {
    return port != 0;
  }
}
