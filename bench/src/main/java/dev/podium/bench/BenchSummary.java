package dev.podium.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the generator's JSON result lines (from one or more files; other lines are skipped) and
 * prints, per target, listener count and packet time, the median of every run.
 *
 * <p>Usage: {@code java -cp podium-bench.jar dev.podium.bench.BenchSummary results.jsonl...}
 */
public final class BenchSummary {
  /** Columns: header, JSON field. */
  static final String[][] COLUMNS = {
      {"joined", "joined"},
      {"loss%", "loss_pct"},
      {"p50ms", "latency_p50_ms"},
      {"p90ms", "latency_p90_ms"},
      {"p99ms", "latency_p99_ms"},
      {"maxms", "latency_max_ms"},
      {"join50", "join_p50_ms"},
      {"join99", "join_p99_ms"},
      {"lag99", "send_lag_p99_ms"},
      {"srvCPU%", "server_cpu_pct"},
      {"genCPU%", "generator_cpu_pct"},
      {"othCPU%", "other_cpu_pct"},
      {"srvWait%", "server_runqueue_wait_pct"},
      {"us/frame", "server_cpu_us_per_frame"},
      {"rssMiB", "server_rss_peak_mib"},
      {"B/lis-s", "bytes_per_listener_s"},
  };

  private BenchSummary() {
  }

  public static void main(String[] args) throws IOException {
    List<JsonObject> runs = new ArrayList<>();
    for (String file : args) {
      for (String line : Files.readAllLines(Path.of(file))) {
        JsonObject r = parse(line);
        if (r != null) {
          runs.add(r);
        }
      }
    }
    System.out.print(table(runs));
  }

  static JsonObject parse(String line) {
    String t = line.trim();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      JsonObject r = new JsonObject(t);
      return r.containsKey("latency_p99_ms") ? r : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** One row per (label, listeners, packet_ms), in first-seen order; each cell the median over runs. */
  static String table(List<JsonObject> runs) {
    Map<String, List<JsonObject>> groups = new LinkedHashMap<>();
    for (JsonObject r : runs) {
      String key = r.getString("label") + "\u0000" + r.getInteger("listeners") + "\u0000" + r.getInteger("packet_ms");
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-10s %6s %4s %5s", "target", "N", "pkt", "runs"));
    for (String[] c : COLUMNS) {
      b.append(String.format(Locale.ROOT, " %9s", c[0]));
    }
    b.append('\n');
    for (List<JsonObject> g : groups.values()) {
      JsonObject first = g.get(0);
      b.append(String.format(Locale.ROOT, "%-10s %6d %4d %5d", first.getString("label"), first.getInteger("listeners"),
          first.getInteger("packet_ms"), g.size()));
      for (String[] c : COLUMNS) {
        b.append(String.format(Locale.ROOT, " %9s", format(median(g, c[1]))));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Median of a numeric field over the runs that have it; NaN when none has. */
  static double median(List<JsonObject> runs, String field) {
    double[] values = runs.stream().map(r -> r.getValue(field)).filter(v -> v instanceof Number)
        .mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    return Percentiles.median(values);
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.3f" : "%.2f", v);
  }
}
