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
 * prints, per target, listener count and packet time, the median of every run. Runs with several
 * rooms or a cold start are rows of their own (the target column says {@code R=10}, {@code cold});
 * when some run has several rooms or a heap reading, a second table gives the per-room cost; when
 * some run is a control-plane run, a third table gives its rates and latencies per operation.
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
    {"srvJ50", "server_join_p50_ms"},
    {"srvJ99", "server_join_p99_ms"},
    {"lag99", "send_lag_p99_ms"},
    {"srvCPU%", "server_cpu_pct"},
    {"genCPU%", "generator_cpu_pct"},
    {"othCPU%", "other_cpu_pct"},
    {"srvWait%", "server_runqueue_wait_pct"},
    {"us/frame", "server_cpu_us_per_frame"},
    {"rssMiB", "server_rss_peak_mib"},
    {"B/lis-s", "bytes_per_listener_s"},
  };

  private BenchSummary() {}

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
    List<JsonObject> drills = runs.stream().filter(BenchSummary::isDrill).toList();
    List<JsonObject> streaming = runs.stream().filter(r -> !isControl(r) && !isDrill(r)).toList();
    List<JsonObject> control = runs.stream().filter(BenchSummary::isControl).toList();
    if (!drills.isEmpty()) {
      System.out.print(drillTable(drills));
    }
    if (!streaming.isEmpty() || (control.isEmpty() && drills.isEmpty())) {
      System.out.print(table(streaming));
    }
    if (hasRooms(streaming)) {
      System.out.println();
      System.out.print(roomsTable(streaming));
    }
    if (!control.isEmpty()) {
      System.out.println();
      System.out.print(controlTable(control));
    }
  }

  static boolean isControl(JsonObject r) {
    return "control".equals(r.getString("mode"));
  }

  static boolean isDrill(JsonObject r) {
    return "ownership-drill".equals(r.getString("mode"));
  }

  /** Whether a per-room table says anything: some run had several rooms or read the heap. */
  static boolean hasRooms(List<JsonObject> runs) {
    return runs.stream()
        .anyMatch(r -> r.getInteger("rooms", 1) > 1 || r.getValue("heap_after_gc_mib") != null);
  }

  /**
   * The target column: the label, then {@code R=n} for several rooms and {@code cold} for a first
   * run.
   */
  static String target(JsonObject r) {
    int rooms = r.getInteger("rooms", 1);
    return r.getString("label")
        + (rooms > 1 ? " R=" + rooms : "")
        + (r.getBoolean("cold", false) ? " cold" : "");
  }

  static JsonObject parse(String line) {
    String t = line.trim();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      JsonObject r = new JsonObject(t);
      return r.containsKey("latency_p99_ms") || isControl(r) || isDrill(r) ? r : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * One row per (target, listeners, packet_ms), in first-seen order; each cell the median over
   * runs.
   */
  static String table(List<JsonObject> runs) {
    Map<String, List<JsonObject>> groups = new LinkedHashMap<>();
    for (JsonObject r : runs) {
      String key =
          target(r) + "\u0000" + r.getInteger("listeners") + "\u0000" + r.getInteger("packet_ms");
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    StringBuilder b = new StringBuilder();
    String w = "%-" + width(runs.stream().map(BenchSummary::target).toList()) + "s";
    b.append(String.format(Locale.ROOT, w + " %6s %4s %5s", "target", "N", "pkt", "runs"));
    for (String[] c : COLUMNS) {
      b.append(String.format(Locale.ROOT, " %9s", c[0]));
    }
    b.append('\n');
    for (List<JsonObject> g : groups.values()) {
      JsonObject first = g.get(0);
      b.append(
          String.format(
              Locale.ROOT,
              w + " %6d %4d %5d",
              target(first),
              first.getInteger("listeners"),
              first.getInteger("packet_ms"),
              g.size()));
      for (String[] c : COLUMNS) {
        b.append(String.format(Locale.ROOT, " %9s", format(median(g, c[1]))));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Columns of the per-room table: header, JSON field (medians). */
  static final String[][] ROOM_COLUMNS = {
    {"srvCPU%", "server_cpu_pct"},
    {"CPU%/room", "server_cpu_pct_per_room"},
    {"noJIT%/rm", "server_cpu_pct_per_room_without_jit"},
    {"us/hostfr", "server_cpu_us_per_host_frame"},
    {"loss%", "loss_pct"},
    {"p99ms", "latency_p99_ms"},
    {"join99", "join_p99_ms"},
    {"srvJ50", "server_join_p50_ms"},
    {"srvJ99", "server_join_p99_ms"},
    {"heapMiB", "heap_after_gc_mib"},
    {"rssMiB", "server_rss_peak_mib"},
  };

  /**
   * Per (label, cold, listeners, packet_ms), a row per room count, in rooms order: the medians of
   * {@link #ROOM_COLUMNS}, then what one more room costs against the group's smallest R ({@link
   * RoomCost}): CPU in % of one core, heap in KiB.
   */
  static String roomsTable(List<JsonObject> runs) {
    Map<String, Map<Integer, List<JsonObject>>> groups = new LinkedHashMap<>();
    for (JsonObject r : runs) {
      String key =
          r.getString("label")
              + (r.getBoolean("cold", false) ? " cold" : "")
              + "\u0000"
              + r.getInteger("listeners")
              + "\u0000"
              + r.getInteger("packet_ms");
      groups
          .computeIfAbsent(key, k -> new java.util.TreeMap<>())
          .computeIfAbsent(r.getInteger("rooms", 1), k -> new ArrayList<>())
          .add(r);
    }
    StringBuilder b = new StringBuilder();
    String w =
        "%-"
            + width(
                runs.stream()
                    .map(r -> r.getString("label") + (r.getBoolean("cold", false) ? " cold" : ""))
                    .toList())
            + "s";
    b.append(String.format(Locale.ROOT, w + " %6s %5s %5s", "target", "N", "R", "runs"));
    for (String[] c : ROOM_COLUMNS) {
      b.append(String.format(Locale.ROOT, " %9s", c[0]));
    }
    b.append(String.format(Locale.ROOT, " %11s %11s%n", "+CPU%/room", "+heapKiB/rm"));
    for (Map.Entry<String, Map<Integer, List<JsonObject>>> g : groups.entrySet()) {
      List<RoomCost.Point> cpu = new ArrayList<>();
      List<RoomCost.Point> heap = new ArrayList<>();
      g.getValue()
          .forEach(
              (rooms, rs) -> {
                cpu.add(new RoomCost.Point(rooms, median(rs, "server_cpu_pct")));
                heap.add(new RoomCost.Point(rooms, median(rs, "heap_after_gc_mib") * 1024));
              });
      List<Double> cpuPerRoom = RoomCost.marginal(cpu);
      List<Double> heapPerRoom = RoomCost.marginal(heap);
      int row = 0;
      for (Map.Entry<Integer, List<JsonObject>> e : g.getValue().entrySet()) {
        JsonObject first = e.getValue().get(0);
        b.append(
            String.format(
                Locale.ROOT,
                w + " %6d %5d %5d",
                first.getString("label") + (first.getBoolean("cold", false) ? " cold" : ""),
                first.getInteger("listeners"),
                e.getKey(),
                e.getValue().size()));
        for (String[] c : ROOM_COLUMNS) {
          b.append(String.format(Locale.ROOT, " %9s", format(median(e.getValue(), c[1]))));
        }
        b.append(
            String.format(
                Locale.ROOT,
                " %11s %11s%n",
                format(cpuPerRoom.get(row)),
                format(heapPerRoom.get(row))));
        row++;
      }
    }
    return b.toString();
  }

  /**
   * Columns of the ownership drill's table: header, path in the run's JSON (medians over runs, ms).
   */
  static final String[][] DRILL_COLUMNS = {
    {"ownMin", "owned_min"},
    {"ownMax", "owned_max"},
    {"applied50", "kill.all.stage_applied_ms.median"},
    {"stage50", "kill.all.stage_ms.median"},
    {"stageMax", "kill.all.stage_ms.max"},
    {"join50", "kill.all.join_ms.median"},
    {"joinMax", "kill.all.join_ms.max"},
    {"listMax", "kill.all.listed_ms.max"},
    {"unmovMax", "kill.unmoved.join_ms.max"},
    {"roomTkMax", "kill.room.takeover_logged_ms.max"},
    {"presTkMax", "kill.presence.takeover_logged_ms.max"},
    {"backMax", "freeze.host_back_ms.max"},
    {"stepDown", "freeze.stepped_down_after_cont_ms"},
  };

  /**
   * Ownership drill runs, one row per (label, events): the medians of {@link #DRILL_COLUMNS} (the
   * least and most events any room-service or presence-service instance owned; recovery after the
   * kill of the moved events, and of the events that did not move; when the new owners logged their
   * takeover; the hosts' return during the freeze; the step-down after it), then per target how
   * many runs met it.
   */
  static String drillTable(List<JsonObject> runs) {
    Map<String, List<JsonObject>> groups = new LinkedHashMap<>();
    for (JsonObject r : runs) {
      groups
          .computeIfAbsent(
              r.getString("label") + "\u0000" + r.getInteger("events"), k -> new ArrayList<>())
          .add(r);
    }
    StringBuilder b = new StringBuilder();
    String w = "%-" + width(runs.stream().map(r -> r.getString("label")).toList()) + "s";
    b.append(String.format(Locale.ROOT, w + " %6s %5s %5s", "drill", "events", "runs", "pass"));
    for (String[] c : DRILL_COLUMNS) {
      b.append(String.format(Locale.ROOT, " %9s", c[0]));
    }
    b.append('\n');
    for (List<JsonObject> g : groups.values()) {
      JsonObject first = g.get(0);
      b.append(
          String.format(
              Locale.ROOT,
              w + " %6d %5d %5s",
              first.getString("label"),
              first.getInteger("events"),
              g.size(),
              g.stream().filter(r -> r.getBoolean("pass", false)).count() + "/" + g.size()));
      for (String[] c : DRILL_COLUMNS) {
        double[] v =
            g.stream()
                .map(r -> drillValue(r, c[1]))
                .filter(x -> x != null)
                .mapToDouble(Double::doubleValue)
                .toArray();
        b.append(String.format(Locale.ROOT, " %9s", format(Percentiles.median(v))));
      }
      b.append('\n');
      java.util.Set<String> targets = new java.util.LinkedHashSet<>();
      g.forEach(r -> targets.addAll(r.getJsonObject("targets", new JsonObject()).fieldNames()));
      StringBuilder t = new StringBuilder();
      for (String target : targets) {
        long met =
            g.stream()
                .filter(r -> r.getJsonObject("targets", new JsonObject()).getBoolean(target, false))
                .count();
        t.append(t.isEmpty() ? "" : ", ")
            .append(target)
            .append(' ')
            .append(met)
            .append('/')
            .append(g.size());
      }
      b.append(String.format(Locale.ROOT, w + " targets met: %s%n", "", t));
    }
    return b.toString();
  }

  /**
   * A number from a drill run: {@code owned_min}/{@code owned_max} over every instance's
   * podium_owned_events before the kill, else the value at the dotted path; null when absent.
   */
  static Double drillValue(JsonObject r, String path) {
    if (path.startsWith("owned_")) {
      JsonObject before = r.getJsonObject("owned_before", new JsonObject());
      java.util.stream.DoubleStream all =
          before.fieldNames().stream()
              .map(before::getJsonObject)
              .flatMap(service -> service.fieldNames().stream().map(service::getJsonObject))
              .map(i -> i.getValue("metric"))
              .filter(v -> v instanceof Number)
              .mapToDouble(v -> ((Number) v).doubleValue());
      java.util.OptionalDouble v = path.equals("owned_min") ? all.min() : all.max();
      return v.isPresent() ? v.getAsDouble() : null;
    }
    Object node = r;
    for (String key : path.split("\\.")) {
      if (!(node instanceof JsonObject o)) {
        return null;
      }
      node = o.getValue(key);
    }
    return node instanceof Number n ? n.doubleValue() : null;
  }

  /** Operations of the control-plane table, each with its p50 and p99 columns. */
  private static final String[] CONTROL_OPS = {"join", "leave", "invite", "accept", "remove"};

  /**
   * Control-plane runs, one row per (label, events, join rate, cold): medians of the sustained
   * rates, per-operation latencies, failures, and every named process's CPU per join.
   */
  static String controlTable(List<JsonObject> runs) {
    Map<String, List<JsonObject>> groups = new LinkedHashMap<>();
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (JsonObject r : runs) {
      String key =
          r.getString("label")
              + (r.getBoolean("cold", false) ? " cold" : "")
              + "\u0000"
              + r.getInteger("events")
              + "\u0000"
              + r.getValue("join_rate");
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      r.getJsonArray("processes", new io.vertx.core.json.JsonArray())
          .forEach(p -> names.add(((JsonObject) p).getString("name")));
    }
    StringBuilder b = new StringBuilder();
    String w =
        "%-"
            + width(
                runs.stream()
                    .map(r -> r.getString("label") + (r.getBoolean("cold", false) ? " cold" : ""))
                    .toList())
            + "s";
    b.append(
        String.format(
            Locale.ROOT,
            w + " %6s %7s %5s %8s %8s %7s",
            "control",
            "events",
            "rate/s",
            "runs",
            "joins/s",
            "ops/s",
            "failed"));
    for (String op : CONTROL_OPS) {
      b.append(String.format(Locale.ROOT, " %9s %9s", op + "50", op + "99"));
    }
    for (String name : names) {
      b.append(String.format(Locale.ROOT, " %s", "us/join:" + name));
    }
    b.append('\n');
    for (List<JsonObject> g : groups.values()) {
      JsonObject first = g.get(0);
      b.append(
          String.format(
              Locale.ROOT,
              w + " %6d %7s %5d %8s %8s %7s",
              first.getString("label") + (first.getBoolean("cold", false) ? " cold" : ""),
              first.getInteger("events"),
              format(((Number) first.getValue("join_rate")).doubleValue()),
              g.size(),
              format(median(g, "joins_per_s")),
              format(median(g, "ops_per_s")),
              format(median(g, "ops_failed"))));
      for (String op : CONTROL_OPS) {
        b.append(
            String.format(
                Locale.ROOT,
                " %9s %9s",
                format(medianOf(g, op, "p50_ms")),
                format(medianOf(g, op, "p99_ms"))));
      }
      for (String name : names) {
        double[] v =
            g.stream()
                .map(r -> process(r, name))
                .filter(p -> p != null && p.getValue("cpu_us_per_join") != null)
                .mapToDouble(p -> p.getDouble("cpu_us_per_join"))
                .toArray();
        b.append(
            String.format(
                Locale.ROOT,
                " %" + ("us/join:" + name).length() + "s",
                format(Percentiles.median(v))));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static JsonObject process(JsonObject run, String name) {
    for (Object p : run.getJsonArray("processes", new io.vertx.core.json.JsonArray())) {
      if (name.equals(((JsonObject) p).getString("name"))) {
        return (JsonObject) p;
      }
    }
    return null;
  }

  /** Median over runs of {@code ops.<op>.<field>}. */
  static double medianOf(List<JsonObject> runs, String op, String field) {
    double[] v =
        runs.stream()
            .map(r -> r.getJsonObject("ops", new JsonObject()).getJsonObject(op))
            .filter(o -> o != null && o.getValue(field) instanceof Number)
            .mapToDouble(o -> ((Number) o.getValue(field)).doubleValue())
            .toArray();
    return Percentiles.median(v);
  }

  /** The first column's width: 10, or the longest entry. */
  private static int width(List<String> targets) {
    return Math.max(10, targets.stream().mapToInt(String::length).max().orElse(0));
  }

  /** Median of a numeric field over the runs that have it; NaN when none has. */
  static double median(List<JsonObject> runs, String field) {
    double[] values =
        runs.stream()
            .map(r -> r.getValue(field))
            .filter(v -> v instanceof Number)
            .mapToDouble(v -> ((Number) v).doubleValue())
            .toArray();
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
