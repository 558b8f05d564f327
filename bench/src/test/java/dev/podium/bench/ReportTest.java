package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static ListenerStats.Snapshot listener(long[] micros, int[] seqs) {
    return new ListenerStats.Snapshot(seqs.length, micros, seqs, seqs.length, 0, 0, 0, 0, false);
  }

  @Test
  void p99IsTakenPerSecondOfTheStreamOverAllListeners() {
    // frames 100-149 are second 2, 150-199 second 3 (50 frames a second); nothing in seconds 0-1
    int[] seqs = new int[100];
    long[] fast = new long[100];
    long[] slow = new long[100];
    for (int i = 0; i < 100; i++) {
      seqs[i] = 100 + i;
      fast[i] = 5_000;
      slow[i] = i < 50 ? 5_000 : 300_000; // the second listener is slow in second 3 only
    }
    long[] p99 = Report.p99BySecond(List.of(listener(fast, seqs), listener(slow, seqs)));
    assertArrayEquals(new long[] {-1, -1, 5_000, 300_000}, p99);
    assertEquals(
        new JsonArray().add(5L).add(300L), Report.secondsJson(p99), "the warm-up seconds left out");
  }

  @Test
  void aSecondWithoutAnyFrameStaysInItsPlace() {
    assertEquals(
        new JsonArray().add(5L).addNull().add(7L),
        Report.secondsJson(new long[] {-1, 5_000, -1, 7_000}));
  }

  @Test
  void idleStreamingRoomsReportCpuPerRoomAndPerHostFrameWithNoListenerFigures() {
    BenchOptions opts =
        BenchOptions.parse("--listeners", "0", "--rooms", "50", "--duration-s", "10", "--cold");
    Report.Inputs in =
        new Report.Inputs(
            "ev0",
            500,
            600,
            10,
            10,
            0,
            List.of(),
            new long[0],
            0,
            Map.of(),
            0,
            0,
            new long[] {1_000_000},
            0,
            0,
            false,
            0.1,
            0.04,
            2.5,
            1.0,
            1,
            4,
            0.5,
            0,
            0,
            300 * 1024,
            290 * 1024,
            new Reconnects().snapshot(),
            new Report.HostReconnects(new long[0], true, false, 0),
            List.of(new Report.Gateway("ws://127.0.0.1:8000", null, 0, 0, null)),
            50,
            75 * 1024);
    JsonObject r = Report.build(opts, in);
    assertEquals(25.0, r.getDouble("server_cpu_pct"), "2.5 s of CPU in a 10 s window");
    assertEquals(0.5, r.getDouble("server_cpu_pct_per_room"));
    assertEquals(10.0, r.getDouble("server_jit_cpu_pct"), "1 s of it in the compiler threads");
    assertEquals(0.3, r.getDouble("server_cpu_pct_per_room_without_jit"), 1e-9);
    assertEquals(
        100.0, r.getDouble("server_cpu_us_per_host_frame"), "2.5 s over 50 rooms x 500 frames");
    assertEquals(75.0, r.getDouble("heap_after_gc_mib"));
    assertEquals(50, r.getInteger("rooms"));
    assertTrue(r.getBoolean("cold"));
    assertNull(r.getValue("loss_pct"), "nobody listened: no loss to speak of");
    assertNull(r.getValue("server_cpu_us_per_frame"));
    String text = Report.text(r);
    assertTrue(text.contains("and 49 more (50 rooms, every host streaming); cold"), text);
    assertTrue(text.contains("(25.0 % of one core, the JIT's compiler threads 10.0 %)"), text);
    assertTrue(text.contains("0.1 s during joins (compiling 0.04 s)"), text);
    assertTrue(
        text.contains(
            "per room:  50 rooms: server CPU 0.5 % of one core per room (0.3 % without the JIT's"
                + " compiler threads), 100.0 us per frame a host sent; heap after a full GC 75.0 MiB"),
        text);
  }
}
