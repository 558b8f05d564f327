package dev.podium.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the media counters of each gateway's {@code GET /health}
 * ({@code media.packets_received}, {@code media.frames_delivered}, {@code media.frames_dropped}).
 * Blocking, for the generator's main thread; a gateway that does not answer within 2 s reads as null.
 */
final class GatewayHealth {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** One gateway's counters since it started. */
  record Counters(long packetsReceived, long framesDelivered, long framesDropped) {
    /** What happened between {@code before} and this; null when either is unknown. */
    Counters since(Counters before) {
      return before == null ? null : new Counters(packetsReceived - before.packetsReceived,
          framesDelivered - before.framesDelivered, framesDropped - before.framesDropped);
    }
  }

  private final List<URI> urls;
  private final HttpClient http;

  GatewayHealth(List<URI> urls) {
    this.urls = List.copyOf(urls);
    this.http = urls.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  boolean enabled() {
    return !urls.isEmpty();
  }

  /** Every gateway's counters now (all asked at once), null where one did not answer; empty when disabled. */
  List<Counters> read() {
    List<CompletableFuture<Counters>> pending = new ArrayList<>();
    for (URI url : urls) {
      HttpRequest req = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
      pending.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
          .thenApply(resp -> parse(resp.body()))
          .exceptionally(e -> null));
    }
    List<Counters> out = new ArrayList<>();
    for (CompletableFuture<Counters> f : pending) {
      out.add(f.join());
    }
    return out;
  }

  /** The {@code media} counters of a {@code /health} body; null when it has none. */
  static Counters parse(String body) {
    try {
      JsonObject media = new JsonObject(body).getJsonObject("media");
      if (media == null || !(media.getValue("packets_received") instanceof Number)) {
        return null;
      }
      return new Counters(media.getLong("packets_received"), media.getLong("frames_delivered", 0L),
          media.getLong("frames_dropped", 0L));
    } catch (RuntimeException e) {
      return null;
    }
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
