package dev.podium.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the media counters of each gateway's {@code GET /metrics} (on its ops port, {@code
 * PODIUM_OPS_PORT}): {@code podium_media_packets_in_total}, {@code podium_media_frames_out_total}
 * and {@code podium_media_frames_dropped_total}. Blocking, for the generator's main thread; a
 * gateway that does not answer within 2 s reads as null.
 */
final class GatewayMetrics {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** One gateway's counters since it started. */
  record Counters(long packetsReceived, long framesDelivered, long framesDropped) {
    /** What happened between {@code before} and this; null when either is unknown. */
    Counters since(Counters before) {
      return before == null
          ? null
          : new Counters(
              packetsReceived - before.packetsReceived,
              framesDelivered - before.framesDelivered,
              framesDropped - before.framesDropped);
    }
  }

  private final List<URI> urls;
  private final HttpClient http;

  GatewayMetrics(List<URI> urls) {
    this.urls = List.copyOf(urls);
    this.http = urls.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  boolean enabled() {
    return !urls.isEmpty();
  }

  /**
   * Every gateway's counters now (all asked at once), null where one did not answer; empty when
   * disabled.
   */
  List<Counters> read() {
    List<CompletableFuture<Counters>> pending = new ArrayList<>();
    for (URI url : urls) {
      HttpRequest req = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
      pending.add(
          http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
              .thenApply(resp -> parse(resp.body()))
              .exceptionally(e -> null));
    }
    List<Counters> out = new ArrayList<>();
    for (CompletableFuture<Counters> f : pending) {
      out.add(f.join());
    }
    return out;
  }

  /** The media counters in a Prometheus text body; null when it has no packet counter. */
  static Counters parse(String body) {
    Double packets = null;
    double delivered = 0;
    double dropped = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, brace > 0 && brace < space ? brace : Math.max(space, 0));
      double value;
      try {
        value = Double.parseDouble(line.substring(space + 1));
      } catch (NumberFormatException e) {
        continue;
      }
      switch (name) {
        case "podium_media_packets_in_total" -> packets = (packets == null ? 0 : packets) + value;
        case "podium_media_frames_out_total" -> delivered += value;
        case "podium_media_frames_dropped_total" -> dropped += value;
        default -> {}
      }
    }
    return packets == null
        ? null
        : new Counters(packets.longValue(), (long) delivered, (long) dropped);
  }

  /**
   * The gateways' server-side join times ({@code podium_join_seconds_bucket}, joins that got in),
   * summed over gateways: bucket upper bound in seconds to the cumulative count.
   */
  record JoinHistogram(NavigableMap<Double, Long> cumulative) {
    /** The joins between {@code before} and this; this when {@code before} is null. */
    JoinHistogram since(JoinHistogram before) {
      if (before == null) {
        return this;
      }
      NavigableMap<Double, Long> out = new TreeMap<>();
      cumulative.forEach((le, n) -> out.put(le, n - before.cumulative.getOrDefault(le, 0L)));
      return new JoinHistogram(out);
    }

    long count() {
      return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    /**
     * The {@code q} quantile (0 to 1) in ms, as the upper bound of the bucket it falls in (so at
     * most one bucket, about a third, above the true value); null when there were no joins.
     */
    Double quantileMs(double q) {
      long total = count();
      if (total == 0) {
        return null;
      }
      long rank = Math.max(1, (long) Math.ceil(q * total));
      for (Map.Entry<Double, Long> bucket : cumulative.entrySet()) {
        if (bucket.getValue() >= rank) {
          return bucket.getKey() * 1000;
        }
      }
      return null;
    }
  }

  /**
   * Every gateway's join histogram, summed; null when disabled or when a gateway did not answer.
   */
  JoinHistogram readJoins() {
    if (!enabled()) {
      return null;
    }
    NavigableMap<Double, Long> sum = new TreeMap<>();
    for (URI url : urls) {
      try {
        HttpResponse<String> resp =
            http.send(
                HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        parseJoins(resp.body()).cumulative().forEach((le, n) -> sum.merge(le, n, Long::sum));
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return new JoinHistogram(sum);
  }

  /** The buckets of joins that got in ({@code path="join"}, {@code outcome="ok"}) in a body. */
  static JoinHistogram parseJoins(String body) {
    NavigableMap<Double, Long> buckets = new TreeMap<>();
    for (String line : body.split("\n")) {
      if (!line.startsWith("podium_join_seconds_bucket{")
          || !line.contains("outcome=\"ok\"")
          || !line.contains("path=\"join\"")) {
        continue;
      }
      int le = line.indexOf("le=\"");
      int end = le < 0 ? -1 : line.indexOf('"', le + 4);
      if (end < 0) {
        continue;
      }
      String bound = line.substring(le + 4, end);
      try {
        double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
        long count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        buckets.merge(upper, count, Long::sum);
      } catch (NumberFormatException e) {
        // not a sample line after all
      }
    }
    return new JoinHistogram(buckets);
  }

  /** {@code after[i].since(before[i])} for every gateway; null entries where either read failed. */
  static List<Counters> during(List<Counters> before, List<Counters> after) {
    List<Counters> out = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      Counters a = after.get(i);
      Counters b = i < before.size() ? before.get(i) : null;
      out.add(a == null ? null : a.since(b));
    }
    return out;
  }
}
