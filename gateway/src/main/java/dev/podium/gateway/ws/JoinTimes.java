package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * How long this gateway takes to let a client in: from the upgrade request reaching the handshake
 * handler to the room's state written to the new socket (or to the refusal). This is the server's
 * share of a join as a client measures it; the rest is the network, TCP and the client itself.
 * Published as a histogram (buckets from 1 ms to 30 s), so that percentiles can be taken over any
 * window and summed over gateways ({@code histogram_quantile}, or the bench's difference of two
 * scrapes).
 */
final class JoinTimes {
  static final String METRIC = "podium_join";

  /** Which upgrade path: a listener joining, or a host going live. */
  enum Path {
    JOIN("join"),
    GO_LIVE("go_live");

    private final String tag;

    Path(String tag) {
      this.tag = tag;
    }
  }

  private final MeterRegistry registry;
  // Looked up once: every join records one of these.
  private final Timer joined;
  private final Timer wentLive;

  JoinTimes(MeterRegistry registry) {
    this.registry = registry;
    this.joined = timer(Path.JOIN, "ok");
    this.wentLive = timer(Path.GO_LIVE, "ok");
  }

  /** A client is in the room: its state was written {@code nanos} after its upgrade request. */
  void admitted(Path path, long nanos) {
    (path == Path.JOIN ? joined : wentLive).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A client was refused (or admission failed) {@code nanos} after its upgrade request. */
  void refused(Path path, ErrorCode code, long nanos) {
    timer(path, code.code()).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(Path path, String outcome) {
    return Timer.builder(METRIC)
        .description("Time from a WebSocket upgrade request to the room's state on the new socket")
        .tag("path", path.tag)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry);
  }
}
