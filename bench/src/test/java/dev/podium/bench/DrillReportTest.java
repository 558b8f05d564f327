package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DrillReportTest {

  @Test
  void statsGiveMedianP90AndMaxOfWhatWasMeasured() {
    JsonObject s = DrillReport.stats(new long[] {4000, 1000, 3000, 2000}, 5);
    assertEquals(4, s.getInteger("n"));
    assertEquals(5, s.getInteger("of"), "one event never recovered");
    assertEquals(2500.0, s.getDouble("median"));
    assertEquals(4000L, s.getLong("p90"));
    assertEquals(4000L, s.getLong("max"));
    JsonObject none = DrillReport.stats(new long[0], 3);
    assertNull(none.getValue("max"));
  }

  @Test
  void theShareBoundsOfIssue12() {
    assertArrayEquals(new long[] {70, 130}, DrillReport.shareBounds(300, 3));
    assertArrayEquals(new long[] {7, 13}, DrillReport.shareBounds(30, 3));
  }

  @Test
  void aRunThatMetEveryTargetPasses() {
    JsonObject r = DrillReport.judge(passing());
    assertTrue(r.getBoolean("pass"), r.getJsonObject("targets").encode());
    assertEquals(9, r.getJsonObject("targets").size());
    String text = DrillReport.text(r);
    assertTrue(text.contains("targets:   PASS"), text);
    assertTrue(text.contains("room-service-1 97 [97]"), text);
    assertTrue(
        text.contains(
            "200 events: stage action applied after 502.5/1000 ms, announced 1557.5/3100 ms"),
        "when the owner acted and when the room heard it, apart: " + text);
  }

  @Test
  void eachTargetFailsOnItsOwnFigure() {
    failsOnly(
        "owned_share",
        r -> owned(r, "room-service", "room-service-2").put("metric", 131).put("log", 131));
    failsOnly(
        "owned_share", r -> owned(r, "presence-service", "presence-service-3").put("log", 99));
    failsOnly(
        "only_killed_moved",
        r -> r.getJsonObject("kill").getJsonObject("presence").put("only_victims_moved", false));
    failsOnly("actions_within_5s", r -> all(r).getJsonObject("stage_ms").put("max", 5001));
    failsOnly("actions_within_5s", r -> all(r).getJsonObject("stage_ms").put("n", 199));
    failsOnly("joins_within_5s", r -> all(r).getJsonObject("join_ms").put("max", 7000));
    failsOnly("joins_listed_within_5s", r -> all(r).getJsonObject("listed_ms").put("max", 5200));
    failsOnly(
        "nothing_lost",
        r -> r.getJsonObject("kill").put("bans_lost", new JsonArray().add("e1: bad got in again")));
    failsOnly("nothing_lost", r -> r.getJsonObject("kill").put("sockets_closed", 1));
    failsOnly("nothing_lost", r -> r.put("events_ended", 1));
    failsOnly(
        "frozen_writes_invisible", r -> r.getJsonObject("freeze").put("ears_closed_after_cont", 1));
    failsOnly(
        "frozen_writes_invisible",
        r -> r.getJsonObject("freeze").put("ended_by_frozen", new JsonArray().add("line")));
    failsOnly(
        "frozen_writes_invisible", r -> r.getJsonObject("freeze").put("back_events_ended", 1));
    failsOnly("frozen_events_continued", r -> r.getJsonObject("freeze").put("still_live", 2));
    failsOnly(
        "frozen_events_continued",
        r ->
            r.getJsonObject("freeze")
                .put("host_back_ms", DrillReport.stats(new long[] {5000, 6000}, 3)));
    failsOnly("frozen_stepped_down", r -> r.getJsonObject("freeze").put("stepped_down", false));
  }

  private static void failsOnly(String target, Consumer<JsonObject> change) {
    JsonObject r = passing();
    change.accept(r);
    DrillReport.judge(r);
    assertFalse(r.getBoolean("pass"));
    JsonObject targets = r.getJsonObject("targets");
    for (String name : targets.fieldNames()) {
      assertEquals(
          !name.equals(target), targets.getBoolean(name), name + " in " + targets.encode());
    }
  }

  private static JsonObject owned(JsonObject r, String service, String instance) {
    return r.getJsonObject("owned_before").getJsonObject(service).getJsonObject(instance);
  }

  private static JsonObject all(JsonObject r) {
    return r.getJsonObject("kill").getJsonObject("all");
  }

  /** A drill result as OwnershipDrill writes it, every figure within its target. */
  private static JsonObject passing() {
    JsonObject room = new JsonObject();
    JsonObject presence = new JsonObject();
    int[] shares = {97, 103, 100};
    for (int i = 0; i < 3; i++) {
      room.put(
          "room-service-" + (i + 1),
          new JsonObject().put("alive", true).put("metric", shares[i]).put("log", shares[i]));
      presence.put(
          "presence-service-" + (i + 1),
          new JsonObject()
              .put("alive", true)
              .put("metric", shares[2 - i])
              .put("log", shares[2 - i]));
    }
    JsonObject recovered =
        new JsonObject()
            .put("events", 200)
            .put("stage_applied_ms", DrillReport.stats(times(200, 1000), 200))
            .put("stage_ms", DrillReport.stats(times(200, 3100), 200))
            .put("join_ms", DrillReport.stats(times(200, 3300), 200))
            .put("listed_ms", DrillReport.stats(times(200, 3400), 200));
    JsonObject unmoved =
        new JsonObject()
            .put("events", 20)
            .put("stage_ms", DrillReport.stats(times(20, 40), 20))
            .put("join_ms", DrillReport.stats(times(20, 60), 20))
            .put("listed_ms", DrillReport.stats(times(20, 80), 20));
    JsonObject moves =
        new JsonObject()
            .put("victim", "room-service-1")
            .put("victim_events", 97)
            .put("only_victims_moved", true)
            .put("gained", new JsonObject().put("room-service-2", 50).put("room-service-3", 47))
            .put("takeover_logged_ms", DrillReport.stats(times(97, 3000), 97));
    return new JsonObject()
        .put("mode", "ownership-drill")
        .put("label", "drill")
        .put("events", 300)
        .put("cluster_dir", "/tmp/c")
        .put("host_grace_ms", 12000)
        .put("owners_settled", true)
        .put("events_without_one_owner", 0)
        .put("events_ended", 0)
        .put(
            "owned_before",
            new JsonObject().put("room-service", room).put("presence-service", presence))
        .put(
            "kill",
            new JsonObject()
                .put("taken_over", true)
                .put("room", moves)
                .put("presence", moves.copy().put("victim", "presence-service-1"))
                .put("all", recovered)
                .put("room_moved", recovered)
                .put("presence_moved", recovered)
                .put("unmoved", unmoved)
                .put("stage_lost", new JsonArray())
                .put("listeners_missing", new JsonArray())
                .put("cohosts_lost", new JsonArray())
                .put("bans_lost", new JsonArray())
                .put("sockets_closed", 0))
        .put(
            "freeze",
            new JsonObject()
                .put("frozen", "room-service-2")
                .put("away_events", 3)
                .put("host_away_noticed", true)
                .put("taken_over", 3)
                .put("host_back_ms", DrillReport.stats(new long[] {5000, 6000, 7000}, 3))
                .put("stepped_down", true)
                .put("ended_while_frozen", 0)
                .put("ended_after_cont", 0)
                .put("back_events_ended", 0)
                .put("ears_closed_after_cont", 0)
                .put("ended_by_frozen", new JsonArray())
                .put("still_live", 3));
  }

  /** n values spread evenly up to max. */
  private static long[] times(int n, long max) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = max * (i + 1) / n;
    }
    return out;
  }
}
