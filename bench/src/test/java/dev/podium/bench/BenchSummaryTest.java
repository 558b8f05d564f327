package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSummaryTest {

  @Test
  void summaryTakesMediansPerTargetAndListenerCount() {
    List<JsonObject> runs =
        List.of(
            run("floor", 100, 5.0),
            run("floor", 100, 1.0),
            run("floor", 100, 3.0),
            run("podium", 100, 8.0));
    assertEquals(3.0, BenchSummary.median(runs.subList(0, 3), "latency_p99_ms"));
    String table = BenchSummary.table(runs);
    assertTrue(table.contains("floor"), table);
    assertEquals(3, table.split("\n").length, table);
    assertNull(BenchSummary.parse("not json"));
    assertNull(BenchSummary.parse("{\"other\":1}"));
  }

  @Test
  void aLineFromBeforeRoomsAndColdStartsIsSummarisedAsBefore() {
    // A results.jsonl line of an earlier session (no rooms, cold or mode fields), cut short.
    JsonObject old =
        BenchSummary.parse(
            "{\"label\":\"floor\",\"listeners\":500,\"joined\":500,"
                + "\"packet_ms\":20,\"loss_pct\":0.0,\"latency_p99_ms\":14.13,\"server_cpu_pct\":31.93}");
    String table = BenchSummary.table(List.of(old));
    String row = table.split("\n")[1];
    assertTrue(row.startsWith("floor         500   20     1       500"), row);
    assertTrue(row.contains("14.13"), row);
    assertFalse(BenchSummary.hasRooms(List.of(old)), "no per-room table for it");
  }

  @Test
  void coldRunsAreRowsOfTheirOwnBesideTheWarmOnes() {
    List<JsonObject> runs =
        List.of(
            run("podium", 500, 400.0).put("cold", true),
            run("podium", 500, 15.0),
            run("podium", 500, 17.0),
            run("podium", 500, 16.0),
            run("podium", 500, 600.0).put("cold", true));
    String[] rows = BenchSummary.table(runs).split("\n");
    assertEquals(3, rows.length);
    String[] cold = rows[1].trim().split("\\s+");
    String[] warm = rows[2].trim().split("\\s+");
    // target, N, pkt, runs, joined, loss, p50, p90, p99: the cold row's target is two words.
    assertEquals(List.of("podium", "cold", "500", "20", "2"), List.of(cold).subList(0, 5), rows[1]);
    assertEquals("500", cold[9], "the cold median: (400 + 600) / 2");
    assertEquals(List.of("podium", "500", "20", "3"), List.of(warm).subList(0, 4), rows[2]);
    assertEquals("16", warm[8], "the warm median, untouched by the cold runs");
  }

  @Test
  void theRoomsTableGivesWhatOneMoreRoomCosts() {
    List<JsonObject> runs =
        List.of(
            rooms("floor", 0, 1, 1.0, 50.0),
            rooms("floor", 0, 11, 2.0, 50.5),
            rooms("floor", 0, 101, 11.0, 55.0),
            rooms("podium", 0, 1, 2.0, 100.0),
            rooms("podium", 0, 101, 52.0, 137.0));
    assertTrue(BenchSummary.hasRooms(runs));
    String[] rows = BenchSummary.roomsTable(runs).split("\n");
    assertEquals(6, rows.length, String.join("\n", rows));
    assertEquals(List.of("-", "-"), lastTwo(rows[1]), "R = 1 is the base: " + rows[1]);
    assertEquals(
        List.of("0.100", "51.20"),
        lastTwo(rows[2]),
        "1 % of a core and 0.5 MiB over 10 more rooms: " + rows[2]);
    assertEquals(
        List.of("0.500", "379"),
        lastTwo(rows[5]),
        "Podium: 50 % over 100 rooms, 37 MiB: " + rows[5]);
  }

  @Test
  void controlRunsHaveATableOfTheirOwnWithCpuPerJoinPerProcess() {
    JsonObject control =
        BenchSummary.parse(
            new JsonObject()
                .put("mode", "control")
                .put("label", "podium")
                .put("events", 50)
                .put("join_rate", 200.0)
                .put("joins_per_s", 198.5)
                .put("ops_per_s", 420.0)
                .put("ops_failed", 3)
                .put(
                    "ops",
                    new JsonObject()
                        .put("join", new JsonObject().put("p50_ms", 12.5).put("p99_ms", 80.0)))
                .put(
                    "processes",
                    new io.vertx.core.json.JsonArray()
                        .add(
                            new JsonObject()
                                .put("name", "room-service")
                                .put("cpu_us_per_join", 850.0)))
                .encode());
    assertTrue(
        BenchSummary.isControl(control), "a control line is read, though it has no latency_p99_ms");
    String[] rows = BenchSummary.controlTable(List.of(control)).split("\n");
    assertTrue(rows[0].contains("us/join:room-service"), rows[0]);
    assertEquals(
        List.of("podium", "50", "200", "1", "199", "420", "3", "12.50", "80"),
        List.of(rows[1].trim().split("\\s+")).subList(0, 9),
        rows[1]);
    assertTrue(rows[1].trim().endsWith("850"), rows[1]);
  }

  @Test
  void drillRunsGetATableOfMediansAndTheTargetsEachRunMet() {
    List<JsonObject> runs =
        List.of(drill(3000, 90, true), drill(4000, 70, true), drill(6000, 110, false));
    assertTrue(
        BenchSummary.isDrill(BenchSummary.parse(runs.get(0).encode())), "a drill line is read");
    assertEquals(4000.0, BenchSummary.drillValue(runs.get(1), "kill.all.stage_ms.max"));
    assertEquals(70.0, BenchSummary.drillValue(runs.get(1), "owned_min"));
    assertEquals(130.0, BenchSummary.drillValue(runs.get(1), "owned_max"));
    assertNull(BenchSummary.drillValue(runs.get(1), "kill.nothing.here"));
    String[] rows = BenchSummary.drillTable(runs).split("\n");
    assertEquals(3, rows.length, String.join("\n", rows));
    String[] row = rows[1].trim().split("\\s+");
    assertEquals(
        List.of("drill", "300", "3", "2/3", "90", "110"), List.of(row).subList(0, 6), rows[1]);
    assertEquals("-", row[6], "runs from before stage_applied_ms: no figure");
    assertEquals("4000", row[8], "the median of the runs' slowest stage action");
    assertTrue(rows[2].contains("actions_within_5s 2/3"), rows[2]);
  }

  /** A drill run's line with the figures the table reads. */
  private static JsonObject drill(long stageMax, int fewest, boolean met) {
    JsonObject owned =
        new JsonObject()
            .put("room-service-1", new JsonObject().put("metric", fewest))
            .put("room-service-2", new JsonObject().put("metric", 300 - fewest - 100))
            .put("room-service-3", new JsonObject().put("metric", 100));
    return new JsonObject()
        .put("mode", "ownership-drill")
        .put("label", "drill")
        .put("events", 300)
        .put("pass", met)
        .put("owned_before", new JsonObject().put("room-service", owned))
        .put(
            "kill",
            new JsonObject()
                .put(
                    "all",
                    new JsonObject()
                        .put(
                            "stage_ms", new JsonObject().put("median", 2000).put("max", stageMax))))
        .put("targets", new JsonObject().put("actions_within_5s", met));
  }

  private static List<String> lastTwo(String row) {
    String[] cells = row.trim().split("\\s+");
    return List.of(cells[cells.length - 2], cells[cells.length - 1]);
  }

  private static JsonObject rooms(String label, int n, int rooms, double cpuPct, double heapMib) {
    return run(label, n, 1.0)
        .put("rooms", rooms)
        .put("server_cpu_pct", cpuPct)
        .put("heap_after_gc_mib", heapMib);
  }

  private static JsonObject run(String label, int n, double p99) {
    return new JsonObject()
        .put("label", label)
        .put("listeners", n)
        .put("packet_ms", 20)
        .put("latency_p99_ms", p99);
  }
}
