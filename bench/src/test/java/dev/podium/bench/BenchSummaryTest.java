package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSummaryTest {

  @Test
  void summaryTakesMediansPerTargetAndListenerCount() {
    List<JsonObject> runs = List.of(
        run("floor", 100, 5.0), run("floor", 100, 1.0), run("floor", 100, 3.0), run("podium", 100, 8.0));
    assertEquals(3.0, BenchSummary.median(runs.subList(0, 3), "latency_p99_ms"));
    String table = BenchSummary.table(runs);
    assertTrue(table.contains("floor"), table);
    assertEquals(3, table.split("\n").length, table);
    assertNull(BenchSummary.parse("not json"));
    assertNull(BenchSummary.parse("{\"other\":1}"));
  }

  private static JsonObject run(String label, int n, double p99) {
    return new JsonObject().put("label", label).put("listeners", n).put("packet_ms", 20).put("latency_p99_ms", p99);
  }
}
