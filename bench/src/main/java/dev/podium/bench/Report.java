package dev.podium.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns what the generator measured into one flat JSON object, and that object into text. */
final class Report {
  private Report() {}

  record Inputs(
      String eventId,
      int framesSent,
      int framesStreamed,
      double streamSeconds,
      double windowSeconds,
      double joinPhaseSeconds,
      List<ListenerStats.Snapshot> listeners,
      long[] joinNanos,
      long connectFailed,
      Map<String, Long> refusals,
      long joinTimeouts,
      long closedBeforeStart,
      long[] sendLagNanos,
      long hostBinaryMessages,
      long hostQueueFull,
      boolean hostClosed,
      double serverCpuJoinSeconds,
      double serverJitJoinSeconds,
      double serverCpuStreamSeconds,
      double serverJitStreamSeconds,
      double generatorCpuStreamSeconds,
      double machineCpuStreamSeconds,
      double loadAverageAtStart,
      double serverRunQueueWaitSeconds,
      double generatorRunQueueWaitSeconds,
      long serverRssPeakKib,
      long serverRssEndKib,
      Reconnects.Snapshot reconnects,
      HostReconnects host,
      List<Gateway> gateways,
      int rooms,
      long heapAfterGcKib) {}

  /** The host's reconnects: close-to-{@code stream_link} gaps (sorted), and what they found. */
  record HostReconnects(
      long[] gapNanos, boolean allResumed, boolean eventChanged, long framesNotSent) {}

  /**
   * One base URL (gateway): listeners in the room through it when the first frame was sent and
   * after the drain, and its media counters from {@code /metrics} over that time (null when not
   * read).
   */
  record Gateway(
      String base,
      String metrics,
      int listenersAtStart,
      int listenersAtEnd,
      GatewayMetrics.Counters during) {}

  static JsonObject build(BenchOptions opts, Inputs in) {
    List<ListenerStats.Snapshot> ls = in.listeners();
    long expected = (long) ls.size() * in.framesSent();
    long received = 0;
    long bytes = 0;
    long messages = 0;
    long unmarked = 0;
    long duplicates = 0;
    long unknown = 0;
    long closedDuring = 0;
    double worstLoss = 0;
    int latencyCount = 0;
    for (ListenerStats.Snapshot s : ls) {
      received += s.received();
      bytes += s.binaryBytes();
      messages += s.binaryMessages();
      unmarked += s.unmarkedMessages();
      duplicates += s.duplicates();
      unknown += s.unknownSeqs();
      closedDuring += s.closed() ? 1 : 0;
      latencyCount += s.latencyMicros().length;
      if (in.framesSent() > 0) {
        worstLoss = Math.max(worstLoss, 100.0 * (in.framesSent() - s.received()) / in.framesSent());
      }
    }
    long[] latencies = new long[latencyCount];
    int at = 0;
    for (ListenerStats.Snapshot s : ls) {
      System.arraycopy(s.latencyMicros(), 0, latencies, at, s.latencyMicros().length);
      at += s.latencyMicros().length;
    }
    long[] bySecond = p99BySecond(ls);
    Arrays.sort(latencies);
    long[] lag = in.sendLagNanos().clone();
    Arrays.sort(lag);
    // Bytes are counted from the first frame of the warm-up on.
    double audioSeconds = in.framesStreamed() * PcmFrames.FRAME_MS / 1000.0;

    JsonObject r =
        new JsonObject()
            .put("label", opts.label())
            .put("base", opts.base().toString())
            .put("event_id", in.eventId())
            .put("listeners", opts.listeners())
            .put("joined", ls.size())
            .put("connect_failed", in.connectFailed())
            .put("refused", new JsonObject(Map.copyOf(in.refusals())))
            .put("join_timeouts", in.joinTimeouts())
            .put("closed_before_start", in.closedBeforeStart())
            .put("closed_during_run", closedDuring)
            .put("ramp_ms", opts.rampMs())
            .put("join_phase_s", round(in.joinPhaseSeconds()))
            .put("duration_s", opts.durationS())
            .put("warmup_s", opts.warmupS())
            .put("packet_ms", opts.packetMs())
            .put("frames_sent", in.framesSent())
            .put("stream_s", round(in.streamSeconds()))
            .put("expected_frames", expected)
            .put("received_frames", received)
            .put(
                "loss_pct", expected == 0 ? null : round3(100.0 * (expected - received) / expected))
            .put("worst_listener_loss_pct", round3(worstLoss))
            .put("latency_p50_ms", micros(Percentiles.ofSorted(latencies, 50)))
            .put("latency_p90_ms", micros(Percentiles.ofSorted(latencies, 90)))
            .put("latency_p99_ms", micros(Percentiles.ofSorted(latencies, 99)))
            .put(
                "latency_max_ms",
                micros(latencies.length == 0 ? -1 : latencies[latencies.length - 1]))
            .put("latency_p99_by_second_ms", secondsJson(bySecond))
            .put("join_p50_ms", nanos(Percentiles.ofSorted(in.joinNanos(), 50)))
            .put("join_p99_ms", nanos(Percentiles.ofSorted(in.joinNanos(), 99)))
            .put("send_lag_p50_ms", nanos(Percentiles.ofSorted(lag, 50)))
            .put("send_lag_p99_ms", nanos(Percentiles.ofSorted(lag, 99)))
            .put("send_lag_max_ms", nanos(lag.length == 0 ? -1 : lag[lag.length - 1]))
            .put("binary_messages", messages)
            .put("unmarked_messages", unmarked)
            .put("duplicate_frames", duplicates)
            .put("unknown_seq_frames", unknown)
            .put("host_binary_messages", in.hostBinaryMessages())
            .put("host_write_queue_full", in.hostQueueFull())
            .put("host_closed", in.hostClosed())
            .put(
                "bytes_per_listener_s",
                ls.isEmpty() ? null : Math.round(bytes / (ls.size() * audioSeconds)))
            .put("server_cpu_join_s", number(in.serverCpuJoinSeconds()))
            .put("server_jit_join_s", number(in.serverJitJoinSeconds()))
            .put("server_cpu_s", number(in.serverCpuStreamSeconds()))
            .put("server_cpu_pct", number(100 * in.serverCpuStreamSeconds() / in.windowSeconds()))
            .put(
                "server_cpu_us_per_frame",
                received == 0 ? null : number(in.serverCpuStreamSeconds() * 1e6 / received))
            .put("server_jit_cpu_s", number(in.serverJitStreamSeconds()))
            .put(
                "server_jit_cpu_pct",
                number(100 * in.serverJitStreamSeconds() / in.windowSeconds()))
            .put("generator_cpu_s", number(in.generatorCpuStreamSeconds()))
            .put(
                "generator_cpu_pct",
                number(100 * in.generatorCpuStreamSeconds() / in.windowSeconds()))
            .put("machine_cpu_pct", number(100 * in.machineCpuStreamSeconds() / in.windowSeconds()))
            .put(
                "other_cpu_pct",
                number(
                    100
                        * (in.machineCpuStreamSeconds()
                            - in.generatorCpuStreamSeconds()
                            - (Double.isNaN(in.serverCpuStreamSeconds())
                                ? 0
                                : in.serverCpuStreamSeconds()))
                        / in.windowSeconds()))
            .put(
                "server_runqueue_wait_pct",
                number(100 * in.serverRunQueueWaitSeconds() / in.windowSeconds()))
            .put(
                "generator_runqueue_wait_pct",
                number(100 * in.generatorRunQueueWaitSeconds() / in.windowSeconds()))
            .put("load_average", number(in.loadAverageAtStart()))
            .put("cpus", Runtime.getRuntime().availableProcessors())
            .put(
                "server_rss_peak_mib",
                in.serverRssPeakKib() < 0 ? null : round(in.serverRssPeakKib() / 1024.0))
            .put(
                "server_rss_end_mib",
                in.serverRssEndKib() < 0 ? null : round(in.serverRssEndKib() / 1024.0))
            .put("cpu_window_s", round(in.windowSeconds()));
    addReconnects(r, in);
    addGateways(r, in);
    addRooms(r, opts, in);
    return r;
  }

  /**
   * The run's shape and per-room cost: every server CPU figure divided by the streaming rooms, and
   * per frame a host sent (all rooms' measured frames); the heap after a full GC. Per-room figures
   * of one run include the server's fixed cost; {@link RoomCost} takes the cost of one more room
   * from runs at several R.
   */
  private static void addRooms(JsonObject r, BenchOptions opts, Inputs in) {
    double cpuPct = 100 * in.serverCpuStreamSeconds() / in.windowSeconds();
    long hostFrames = (long) in.rooms() * in.framesSent();
    r.put("rooms", in.rooms())
        .put("join_rate", opts.joinRate() > 0 ? opts.joinRate() : null)
        .put("cold", opts.cold())
        .put("server_cpu_pct_per_room", number(cpuPct / in.rooms()))
        .put(
            "server_cpu_pct_per_room_without_jit",
            number((cpuPct - 100 * in.serverJitStreamSeconds() / in.windowSeconds()) / in.rooms()))
        .put(
            "server_cpu_us_per_host_frame",
            hostFrames == 0 ? null : number(in.serverCpuStreamSeconds() * 1e6 / hostFrames))
        .put(
            "heap_after_gc_mib",
            in.heapAfterGcKib() < 0 ? null : round(in.heapAfterGcKib() / 1024.0));
  }

  private static void addReconnects(JsonObject r, Inputs in) {
    Reconnects.Snapshot rc = in.reconnects();
    long[] hostGaps = in.host().gapNanos();
    r.put("bases", new JsonArray(in.gateways().stream().map(Gateway::base).toList()))
        .put("reconnects", rc.reconnects())
        .put("reconnect_attempts", rc.attempts())
        .put("reconnect_refused", new JsonObject(Map.copyOf(rc.refusals())))
        .put("reconnect_gave_up", rc.gaveUp())
        .put("reconnect_gap_p50_ms", nanos(Percentiles.ofSorted(rc.gapNanos(), 50)))
        .put("reconnect_gap_max_ms", nanos(last(rc.gapNanos())))
        .put("reconnect_audio_gap_p50_ms", nanos(Percentiles.ofSorted(rc.audioGapNanos(), 50)))
        .put("reconnect_audio_gap_max_ms", nanos(last(rc.audioGapNanos())))
        .put("host_reconnects", hostGaps.length)
        .put("host_reconnect_gap_max_ms", nanos(last(hostGaps)))
        .put(
            "host_resumed",
            hostGaps.length == 0 ? null : in.host().allResumed() && !in.host().eventChanged())
        .put("host_frames_not_sent", in.host().framesNotSent());
  }

  /** Per gateway; {@code ticks} is the mixer ticks of the audio streamed (one per 20 ms frame). */
  private static void addGateways(JsonObject r, Inputs in) {
    JsonArray gateways = new JsonArray();
    for (Gateway g : in.gateways()) {
      JsonObject j =
          new JsonObject()
              .put("base", g.base())
              .put("metrics", g.metrics())
              .put("listeners_at_start", g.listenersAtStart())
              .put("listeners_at_end", g.listenersAtEnd());
      GatewayMetrics.Counters c = g.during();
      j.put("packets_received", c == null ? null : c.packetsReceived())
          .put("frames_delivered", c == null ? null : c.framesDelivered())
          .put("frames_dropped", c == null ? null : c.framesDropped())
          .put(
              "packets_per_tick",
              c == null || in.framesStreamed() == 0
                  ? null
                  : round3((double) c.packetsReceived() / in.framesStreamed()));
      gateways.add(j);
    }
    r.put("ticks", in.framesStreamed()).put("gateways", gateways);
  }

  private static long last(long[] sorted) {
    return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
  }

  static String text(JsonObject r) {
    StringBuilder b = new StringBuilder();
    int rooms = r.getInteger("rooms", 1);
    line(
        b,
        "target",
        "%s (%s), event %s%s%s",
        r.getString("label"),
        r.getString("base"),
        r.getString("event_id"),
        rooms > 1
            ? " and " + (rooms - 1) + " more (" + rooms + " rooms, every host streaming)"
            : "",
        r.getBoolean("cold", false) ? "; cold: the servers' first run since they started" : "");
    line(
        b,
        "listeners",
        "%d requested, %d joined, %d connect failures, %s refused, %d join timeouts, "
            + "%d closed before start, %d closed during run",
        r.getInteger("listeners"),
        r.getInteger("joined"),
        r.getLong("connect_failed"),
        r.getJsonObject("refused"),
        r.getLong("join_timeouts"),
        r.getLong("closed_before_start"),
        r.getLong("closed_during_run"));
    line(
        b,
        "join",
        "p50 %s ms, p99 %s ms (ramp %d ms%s, join phase %s s)",
        r.getValue("join_p50_ms"),
        r.getValue("join_p99_ms"),
        r.getLong("ramp_ms"),
        r.getValue("join_rate") == null ? "" : ": " + r.getValue("join_rate") + " per second",
        r.getValue("join_phase_s"));
    line(
        b,
        "frames",
        "%d measured (after %d s warm-up; %d ms packets) sent over %s s; "
            + "%d of %d listener-frames received; loss %s %% (worst listener %s %%)",
        r.getInteger("frames_sent"),
        r.getInteger("warmup_s"),
        r.getInteger("packet_ms"),
        r.getValue("stream_s"),
        r.getLong("received_frames"),
        r.getLong("expected_frames"),
        r.getValue("loss_pct"),
        r.getValue("worst_listener_loss_pct"));
    line(
        b,
        "latency",
        "p50 %s ms, p90 %s ms, p99 %s ms, max %s ms",
        r.getValue("latency_p50_ms"),
        r.getValue("latency_p90_ms"),
        r.getValue("latency_p99_ms"),
        r.getValue("latency_max_ms"));
    line(
        b,
        "p99/second",
        "%s ms (frames grouped by the second of the stream they were sent in)",
        r.getJsonArray("latency_p99_by_second_ms"));
    line(
        b,
        "sender",
        "lag behind schedule p50 %s ms, p99 %s ms, max %s ms; write queue full %d times",
        r.getValue("send_lag_p50_ms"),
        r.getValue("send_lag_p99_ms"),
        r.getValue("send_lag_max_ms"),
        r.getLong("host_write_queue_full"));
    line(
        b,
        "messages",
        "%d binary to listeners (%d without a marker, %d duplicate frames, %d unknown seq); "
            + "%d binary to the host",
        r.getLong("binary_messages"),
        r.getLong("unmarked_messages"),
        r.getLong("duplicate_frames"),
        r.getLong("unknown_seq_frames"),
        r.getLong("host_binary_messages"));
    line(
        b,
        "bandwidth",
        "%s bytes per listener-second (payload)",
        r.getValue("bytes_per_listener_s"));
    line(
        b,
        "server",
        "CPU %s s while streaming (%s %% of one core, the JIT's compiler threads %s %%), "
            + "%s us per delivered frame; %s s during joins (compiling %s s); RSS peak %s MiB, "
            + "end %s MiB",
        r.getValue("server_cpu_s"),
        r.getValue("server_cpu_pct"),
        r.getValue("server_jit_cpu_pct"),
        r.getValue("server_cpu_us_per_frame"),
        r.getValue("server_cpu_join_s"),
        r.getValue("server_jit_join_s"),
        r.getValue("server_rss_peak_mib"),
        r.getValue("server_rss_end_mib"));
    if (rooms > 1 || r.getValue("heap_after_gc_mib") != null) {
      line(
          b,
          "per room",
          "%d rooms: server CPU %s %% of one core per room (%s %% without the JIT's compiler "
              + "threads), %s us per frame a host sent; heap after a full GC %s MiB",
          rooms,
          r.getValue("server_cpu_pct_per_room"),
          r.getValue("server_cpu_pct_per_room_without_jit"),
          r.getValue("server_cpu_us_per_host_frame"),
          orDash(r.getValue("heap_after_gc_mib")));
    }
    line(
        b,
        "generator",
        "CPU %s s while streaming (%s %% of one core)",
        r.getValue("generator_cpu_s"),
        r.getValue("generator_cpu_pct"));
    line(
        b,
        "waiting",
        "threads runnable but waiting for a CPU: server %s %%, generator %s %% of the window "
            + "(summed over threads)",
        r.getValue("server_runqueue_wait_pct"),
        r.getValue("generator_runqueue_wait_pct"));
    line(
        b,
        "machine",
        "%s %% CPU busy of %d cores x 100 %% while streaming, %s %% of it other processes; "
            + "load average %s at start",
        r.getValue("machine_cpu_pct"),
        r.getInteger("cpus"),
        r.getValue("other_cpu_pct"),
        r.getValue("load_average"));
    JsonArray gateways = r.getJsonArray("gateways", new JsonArray());
    boolean perGateway =
        gateways.size() > 1
            || gateways.stream().anyMatch(g -> ((JsonObject) g).getValue("metrics") != null);
    if (r.containsKey("reconnects")
        && (perGateway
            || r.getLong("reconnect_attempts") > 0
            || r.getLong("host_reconnects") > 0
            || r.getLong("reconnect_gave_up") > 0)) {
      line(
          b,
          "reconnects",
          "%d listeners back in the room (%d attempts, refused %s, %d gave up); close to first "
              + "message p50 %s ms, max %s ms; to first audio p50 %s ms, max %s ms; host: %d reconnects (max %s ms, "
              + "resumed %s), %d frames not sent",
          r.getLong("reconnects"),
          r.getLong("reconnect_attempts"),
          r.getJsonObject("reconnect_refused"),
          r.getLong("reconnect_gave_up"),
          orDash(r.getValue("reconnect_gap_p50_ms")),
          orDash(r.getValue("reconnect_gap_max_ms")),
          orDash(r.getValue("reconnect_audio_gap_p50_ms")),
          orDash(r.getValue("reconnect_audio_gap_max_ms")),
          r.getLong("host_reconnects"),
          orDash(r.getValue("host_reconnect_gap_max_ms")),
          orDash(r.getValue("host_resumed")),
          r.getLong("host_frames_not_sent"));
    }
    for (int i = 0; perGateway && i < gateways.size(); i++) {
      JsonObject g = gateways.getJsonObject(i);
      line(
          b,
          "gateway " + (i + 1),
          "%s: %d listeners at the first frame, %d at the end; while streaming "
              + "(%d ticks): %s event-bus media packets received (%s per tick), %s frames delivered, %s dropped",
          g.getString("base"),
          g.getInteger("listeners_at_start"),
          g.getInteger("listeners_at_end"),
          r.getInteger("ticks"),
          orDash(g.getValue("packets_received")),
          orDash(g.getValue("packets_per_tick")),
          orDash(g.getValue("frames_delivered")),
          orDash(g.getValue("frames_dropped")));
    }
    return b.toString();
  }

  private static Object orDash(Object v) {
    return v == null ? "-" : v;
  }

  private static void line(StringBuilder b, String key, String format, Object... args) {
    b.append(String.format(Locale.ROOT, "%-10s ", key + ":"))
        .append(String.format(Locale.ROOT, format, args))
        .append('\n');
  }

  private static Double micros(long us) {
    return us < 0 ? null : round(us / 1000.0);
  }

  private static Double nanos(long ns) {
    return ns < 0 ? null : round(ns / 1e6);
  }

  private static Double number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : round(v);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * The p99 latency of the frames sent in each second of the stream (all listeners together), so
   * that a report shows whether a high p99 is a few bad seconds or all of them.
   */
  static long[] p99BySecond(List<ListenerStats.Snapshot> ls) {
    int framesPerSecond = 1000 / PcmFrames.FRAME_MS;
    int seconds = 0;
    for (ListenerStats.Snapshot s : ls) {
      for (int seq : s.latencySeqs()) {
        seconds = Math.max(seconds, seq / framesPerSecond + 1);
      }
    }
    int[] counts = new int[seconds];
    for (ListenerStats.Snapshot s : ls) {
      for (int seq : s.latencySeqs()) {
        counts[seq / framesPerSecond]++;
      }
    }
    long[][] buckets = new long[seconds][];
    for (int i = 0; i < seconds; i++) {
      buckets[i] = new long[counts[i]];
      counts[i] = 0;
    }
    for (ListenerStats.Snapshot s : ls) {
      for (int i = 0; i < s.latencySeqs().length; i++) {
        int second = s.latencySeqs()[i] / framesPerSecond;
        buckets[second][counts[second]++] = s.latencyMicros()[i];
      }
    }
    long[] p99 = new long[seconds];
    for (int i = 0; i < seconds; i++) {
      Arrays.sort(buckets[i]);
      p99[i] = buckets[i].length == 0 ? -1 : Percentiles.ofSorted(buckets[i], 99);
    }
    return p99;
  }

  /**
   * Whole milliseconds per second of the stream, from the first second with a measured frame (the
   * seconds of the warm-up are left out); a later second in which no frame arrived is null.
   */
  static JsonArray secondsJson(long[] p99Micros) {
    JsonArray a = new JsonArray();
    for (long micros : p99Micros) {
      if (micros >= 0) {
        a.add(Math.round(micros / 1000.0));
      } else if (!a.isEmpty()) {
        a.addNull();
      }
    }
    return a;
  }
}
