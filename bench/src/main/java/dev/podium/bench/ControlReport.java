package dev.podium.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The control-plane run ({@link ControlPlane}) as one flat JSON object, and that object as text.
 */
final class ControlReport {
  private ControlReport() {}

  /**
   * A named server process (or several summed): CPU over the arrival window, resident set at its
   * end.
   */
  record Process(String name, List<Long> pids, double cpuSeconds, long rssEndKib) {}

  record Inputs(
      long visitors,
      long unfinished,
      double windowSeconds,
      long pacingLagMaxNanos,
      OpStats ops,
      int peakInRoom,
      int stageSkipped,
      List<Process> processes,
      double generatorCpuSeconds,
      double machineCpuSeconds) {}

  static JsonObject build(BenchOptions opts, Inputs in) {
    OpStats ops = in.ops();
    long joins = ops.okInWindow("join");
    long okOps = ops.okInWindow();
    JsonArray processes = new JsonArray();
    double serverCpu = 0;
    for (Process p : in.processes()) {
      serverCpu += Double.isNaN(p.cpuSeconds()) ? 0 : p.cpuSeconds();
      processes.add(
          new JsonObject()
              .put("name", p.name())
              .put("pids", new JsonArray(p.pids()))
              .put("cpu_s", number(p.cpuSeconds()))
              .put("cpu_pct", number(100 * p.cpuSeconds() / in.windowSeconds()))
              .put("cpu_us_per_join", joins == 0 ? null : number(p.cpuSeconds() * 1e6 / joins))
              .put("cpu_us_per_op", okOps == 0 ? null : number(p.cpuSeconds() * 1e6 / okOps))
              .put("rss_end_mib", p.rssEndKib() < 0 ? null : Report.round(p.rssEndKib() / 1024.0)));
    }
    return new JsonObject()
        .put("mode", "control")
        .put("label", opts.label())
        .put("base", opts.base().toString())
        .put("bases", new JsonArray(opts.bases().stream().map(Object::toString).toList()))
        .put("events", opts.events())
        .put("join_rate", opts.joinRate())
        .put("duration_s", opts.durationS())
        .put("stay_ms", opts.stayMinMs() + "-" + opts.stayMaxMs())
        .put("stage_pct", opts.stagePct())
        .put("chat_pct", opts.chatPct())
        .put("cold", opts.cold())
        .put("visitors", in.visitors())
        .put("unfinished", in.unfinished())
        .put("peak_in_rooms", in.peakInRoom())
        .put("stage_skipped", in.stageSkipped())
        .put("pacing_lag_max_ms", Report.round(in.pacingLagMaxNanos() / 1e6))
        .put("window_s", Report.round(in.windowSeconds()))
        .put("joins_per_s", Report.round(joins / in.windowSeconds()))
        .put("ops_per_s", Report.round(okOps / in.windowSeconds()))
        .put("ops_ok", okOps)
        .put("ops_failed", ops.failedCount())
        .put("errors", new JsonObject(Map.copyOf(ops.errorsByCode())))
        .put("ops", ops.toJson())
        .put("processes", processes)
        .put(
            "server_cpu_pct",
            in.processes().isEmpty() ? null : number(100 * serverCpu / in.windowSeconds()))
        .put("generator_cpu_pct", number(100 * in.generatorCpuSeconds() / in.windowSeconds()))
        .put("machine_cpu_pct", number(100 * in.machineCpuSeconds() / in.windowSeconds()))
        .put(
            "other_cpu_pct",
            number(
                100
                    * (in.machineCpuSeconds() - in.generatorCpuSeconds() - serverCpu)
                    / in.windowSeconds()))
        .put("cpus", Runtime.getRuntime().availableProcessors());
  }

  static String text(JsonObject r) {
    StringBuilder b = new StringBuilder();
    line(
        b,
        "target",
        "%s (%s), control plane: %d events, %s visitors/s for %d s, stay %s ms, %d %% through the stage%s",
        r.getString("label"),
        String.join(",", r.getJsonArray("bases").stream().map(Object::toString).toList()),
        r.getInteger("events"),
        r.getValue("join_rate"),
        r.getInteger("duration_s"),
        r.getString("stay_ms"),
        r.getInteger("stage_pct"),
        r.getBoolean("cold", false) ? "; cold" : "");
    line(
        b,
        "achieved",
        "%s joins/s, %s ops/s completed without error in the %s s window; %d ops ok, %d failed %s; "
            + "%d visitors, %d unfinished, peak %d in rooms, %d stage visitors only listened (event's stage busy); "
            + "arrivals up to %s ms late",
        r.getValue("joins_per_s"),
        r.getValue("ops_per_s"),
        r.getValue("window_s"),
        r.getLong("ops_ok"),
        r.getLong("ops_failed"),
        r.getJsonObject("errors"),
        r.getLong("visitors"),
        r.getLong("unfinished"),
        r.getInteger("peak_in_rooms"),
        r.getInteger("stage_skipped", 0),
        r.getValue("pacing_lag_max_ms"));
    JsonObject ops = r.getJsonObject("ops");
    for (String type : ops.fieldNames()) {
      JsonObject o = ops.getJsonObject(type);
      line(
          b,
          type,
          "%d ok, %d failed %s; p50 %s ms, p90 %s ms, p99 %s ms, max %s ms",
          o.getLong("ok"),
          o.getLong("failed"),
          o.getJsonObject("errors"),
          dash(o.getValue("p50_ms")),
          dash(o.getValue("p90_ms")),
          dash(o.getValue("p99_ms")),
          dash(o.getValue("max_ms")));
    }
    for (Object p : r.getJsonArray("processes")) {
      JsonObject j = (JsonObject) p;
      line(
          b,
          j.getString("name"),
          "pids %s: CPU %s s (%s %% of one core), %s us per join, %s us per op; RSS %s MiB",
          j.getJsonArray("pids"),
          dash(j.getValue("cpu_s")),
          dash(j.getValue("cpu_pct")),
          dash(j.getValue("cpu_us_per_join")),
          dash(j.getValue("cpu_us_per_op")),
          dash(j.getValue("rss_end_mib")));
    }
    line(
        b,
        "machine",
        "%s %% CPU busy of %d cores x 100 %%; generator %s %%, other processes %s %%",
        r.getValue("machine_cpu_pct"),
        r.getInteger("cpus"),
        r.getValue("generator_cpu_pct"),
        r.getValue("other_cpu_pct"));
    return b.toString();
  }

  private static Object dash(Object v) {
    return v == null ? "-" : v;
  }

  private static Double number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : Report.round(v);
  }

  private static void line(StringBuilder b, String key, String format, Object... args) {
    b.append(String.format(Locale.ROOT, "%-10s ", key + ":"))
        .append(String.format(Locale.ROOT, format, args))
        .append('\n');
  }
}
