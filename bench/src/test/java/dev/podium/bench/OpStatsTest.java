package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpStatsTest {
  private static final long MS = 1_000_000;

  @Test
  void latenciesPerTypeFailuresByCodeAndTheWindowCountedApart() {
    OpStats ops = new OpStats(1000 * MS);
    for (int i = 1; i <= 100; i++) {
      ops.ok(
          "join", i * MS, i * 10 * MS); // the ones completing after 1,000 ms are outside the window
    }
    ops.ok("leave", 3 * MS, 500 * MS);
    ops.failed("join", "event_not_found");
    ops.failed("join", "timeout");
    ops.failed("invite", "cohost_limit");
    ops.failed("invite", "cohost_limit");

    assertEquals(100, ops.okCount("join"));
    assertEquals(100, ops.okInWindow("join"), "the 100th completes at exactly 1,000 ms: inside");
    assertEquals(101, ops.okInWindow());
    assertEquals(4, ops.failedCount());
    assertEquals(
        Map.of("cohost_limit", 2L, "event_not_found", 1L, "timeout", 1L), ops.errorsByCode());
    JsonObject json = ops.toJson();
    JsonObject join = json.getJsonObject("join");
    assertEquals(50.0, join.getDouble("p50_ms"));
    assertEquals(99.0, join.getDouble("p99_ms"));
    assertEquals(100.0, join.getDouble("max_ms"));
    assertEquals(2L, join.getLong("failed"));
    assertEquals(2L, json.getJsonObject("invite").getJsonObject("errors").getLong("cohost_limit"));
    assertEquals(
        null, json.getJsonObject("remove").getValue("p99_ms"), "nothing measured: no number");
  }

  @Test
  void onlyWhatCompletesByTheDeadlineCountsForTheSustainedRate() {
    OpStats ops = new OpStats(1000 * MS);
    ops.ok("join", MS, 999 * MS);
    ops.ok("join", MS, 1001 * MS);
    assertEquals(1, ops.okInWindow("join"));
    assertEquals(2, ops.okCount("join"));
  }

  @Test
  void stageVisitorsAreSpreadEvenly() {
    int tenPct = 0;
    int firstTen = 0;
    for (int i = 0; i < 1000; i++) {
      tenPct += ControlPlane.isStageVisitor(i, 10) ? 1 : 0;
      firstTen += i < 10 && ControlPlane.isStageVisitor(i, 10) ? 1 : 0;
      assertEquals(false, ControlPlane.isStageVisitor(i, 0));
      assertEquals(true, ControlPlane.isStageVisitor(i, 100));
    }
    assertEquals(100, tenPct);
    assertEquals(1, firstTen, "one in every ten, not a burst at the start");
  }
}
