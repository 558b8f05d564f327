package dev.podium.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Control-plane operations as they complete: per operation type the latencies of the ones that
 * succeeded and the failures by error code, and how many of each finished by a deadline (the end of
 * the arrival window, for the sustained rate). Thread-safe (every method synchronized; a few
 * thousand calls a second at most).
 */
final class OpStats {
  /** The operation types, in report order. */
  static final List<String> TYPES = List.of("join", "invite", "accept", "remove", "chat", "leave");

  private final Map<String, List<Long>> latencies = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> failures = new LinkedHashMap<>();
  private final Map<String, Long> okByDeadline = new LinkedHashMap<>();
  private final long deadlineNanos;

  /**
   * @param deadlineNanos operations that complete at or before this {@code nanoTime} count as "in
   *     the window"
   */
  OpStats(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    for (String t : TYPES) {
      latencies.put(t, new ArrayList<>());
      failures.put(t, new TreeMap<>());
      okByDeadline.put(t, 0L);
    }
  }

  synchronized void ok(String type, long latencyNanos, long nowNanos) {
    latencies.computeIfAbsent(type, k -> new ArrayList<>()).add(latencyNanos);
    if (nowNanos <= deadlineNanos) {
      okByDeadline.merge(type, 1L, Long::sum);
    }
  }

  synchronized void failed(String type, String code) {
    failures.computeIfAbsent(type, k -> new TreeMap<>()).merge(code, 1L, Long::sum);
  }

  synchronized long okCount(String type) {
    List<Long> l = latencies.get(type);
    return l == null ? 0 : l.size();
  }

  /** Operations of {@code type} that succeeded by the deadline. */
  synchronized long okInWindow(String type) {
    return okByDeadline.getOrDefault(type, 0L);
  }

  synchronized long okInWindow() {
    return okByDeadline.values().stream().mapToLong(Long::longValue).sum();
  }

  synchronized long failedCount() {
    return failures.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToLong(Long::longValue)
        .sum();
  }

  /**
   * Failures of every type by error code (a code such as {@code timeout} or {@code closed} for what
   * was no error message).
   */
  synchronized Map<String, Long> errorsByCode() {
    Map<String, Long> out = new TreeMap<>();
    failures.values().forEach(m -> m.forEach((code, n) -> out.merge(code, n, Long::sum)));
    return out;
  }

  /**
   * Per type: {@code ok}, {@code failed} (by code), {@code p50_ms}, {@code p90_ms}, {@code p99_ms},
   * {@code max_ms}.
   */
  synchronized JsonObject toJson() {
    JsonObject all = new JsonObject();
    for (Map.Entry<String, List<Long>> e : latencies.entrySet()) {
      long[] sorted = e.getValue().stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(sorted);
      Map<String, Long> failed = failures.getOrDefault(e.getKey(), Map.of());
      all.put(
          e.getKey(),
          new JsonObject()
              .put("ok", sorted.length)
              .put("failed", failed.values().stream().mapToLong(Long::longValue).sum())
              .put("errors", new JsonObject(new LinkedHashMap<>(failed)))
              .put("p50_ms", ms(Percentiles.ofSorted(sorted, 50)))
              .put("p90_ms", ms(Percentiles.ofSorted(sorted, 90)))
              .put("p99_ms", ms(Percentiles.ofSorted(sorted, 99)))
              .put("max_ms", ms(sorted.length == 0 ? -1 : sorted[sorted.length - 1])));
    }
    return all;
  }

  private static Double ms(long nanos) {
    return nanos < 0 ? null : Report.round(nanos / 1e6);
  }
}
