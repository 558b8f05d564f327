package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.presence.StreamListing;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The active-streams list a gateway puts together from the presence-service instances' parts. */
class StreamPartsTest {
  private static JsonObject entry(String eventId, int participants) {
    return new JsonObject()
        .put("event_id", eventId)
        .put("host", new JsonObject().put("user_id", "h-" + eventId).put("username", "Host"))
        .put("started_at", "2026-12-05T10:00:00Z")
        .put("mode", "audio")
        .put("participant_count", participants);
  }

  private static JsonObject whole(String instance, JsonObject... entries) {
    return new JsonObject()
        .put("instance", instance)
        .put("full", true)
        .put("streams", new JsonArray(java.util.List.of((Object[]) entries)));
  }

  private static JsonObject change(String instance, JsonObject... entries) {
    return new JsonObject()
        .put("instance", instance)
        .put("full", false)
        .put("streams", new JsonArray(java.util.List.of((Object[]) entries)));
  }

  /** Event id → participant count of what the list shows. */
  private static Map<String, Integer> listed(StreamParts parts) {
    Map<String, Integer> shown = new TreeMap<>();
    parts
        .entries()
        .forEach(e -> shown.put(e.getString("event_id"), e.getInteger("participant_count")));
    return shown;
  }

  @Test
  void wholePartsAndChangesMakeTheList() {
    StreamParts parts = new StreamParts(0);
    assertTrue(parts.apply(whole("a", entry("e1", 1), entry("e2", 0)), 10));
    assertTrue(parts.apply(whole("b", entry("e3", 4)), 20));
    assertEquals(Map.of("e1", 1, "e2", 0, "e3", 4), listed(parts));

    parts.apply(change("a", entry("e1", 2)), 30);
    assertEquals(Map.of("e1", 2, "e2", 0, "e3", 4), listed(parts), "a change adds to the part");

    parts.apply(whole("a", entry("e2", 5)), 40);
    assertEquals(Map.of("e2", 5, "e3", 4), listed(parts), "a whole part replaces the part");

    assertFalse(parts.apply(whole("a", entry("e2", 5)), 50), "the same whole part again");
    assertFalse(parts.apply(change("b", entry("e3", 4)), 60), "a change to what it was");
    assertTrue(parts.apply(change("b").put("gone", new JsonArray().add("e3")), 70));
  }

  @Test
  void theListReadAtTheStartFillsTheGapsUntilThePartsCoverIt() {
    StreamParts parts = new StreamParts(0);
    assertFalse(parts.complete(10), "nothing read, no part period over");
    // e2 ends between the read and its answer: the answer must not bring it back.
    parts.apply(change("a").put("ended", new JsonArray().add("e2")), 20);
    parts.baseline(java.util.List.of(entry("e1", 1), entry("e2", 2), entry("e3", 3)), 30);
    assertTrue(parts.complete(30));
    parts.apply(change("b", entry("e3", 7)), 40);
    assertEquals(Map.of("e1", 1, "e3", 7), listed(parts), "the parts over the base");

    assertTrue(parts.expire(StreamListing.FULL_PART_EVERY_MS + 1_000), "the base is dropped");
    assertEquals(Map.of("e3", 7), listed(parts));
    assertTrue(parts.complete(StreamListing.FULL_PART_EVERY_MS + 1_000));
  }

  @Test
  void aMovingEventIsListedOnceAndStaysWhileItMoves() {
    StreamParts parts = new StreamParts(0);
    parts.apply(whole("a", entry("e1", 3)), 10);
    // The new owner announces it before the old one says it let it go, or after: listed once.
    parts.apply(change("b", entry("e1", 3)), 20);
    assertEquals(Map.of("e1", 3), listed(parts));
    parts.apply(change("a").put("gone", new JsonArray().add("e1")), 30);
    assertEquals(Map.of("e1", 3), listed(parts), "still listed by its new owner");
    parts.apply(change("b", entry("e1", 4)), 40);
    assertEquals(Map.of("e1", 4), listed(parts));
  }

  @Test
  void anEndedEventLeavesEveryPart() {
    StreamParts parts = new StreamParts(0);
    // A killed instance's last part still lists the event its successor then ends.
    parts.apply(whole("dead", entry("e1", 3), entry("e2", 1)), 10);
    parts.apply(change("heir", entry("e1", 3)), 20);
    parts.apply(change("heir").put("ended", new JsonArray().add("e1")), 30);
    assertEquals(Map.of("e2", 1), listed(parts));
  }

  @Test
  void theSilentInstancesPartIsDropped() {
    StreamParts parts = new StreamParts(0);
    parts.apply(whole("a", entry("e1", 1)), 0);
    parts.apply(whole("b", entry("e2", 1)), 10_000);
    assertFalse(parts.expire(StreamParts.SILENT_MS - 1));
    assertTrue(parts.expire(StreamParts.SILENT_MS));
    assertEquals(Map.of("e2", 1), listed(parts), "a, silent since 0, is gone; b stays");
  }

  @Test
  void withoutTheReadTheListIsShownOnceEveryInstanceHadTimeToSendItsWholePart() {
    StreamParts parts = new StreamParts(1_000);
    assertFalse(parts.complete(1_000));
    assertFalse(parts.complete(6_999));
    assertTrue(parts.complete(7_000));
  }

  @Test
  void whatIsNotAPartChangesNothing() {
    StreamParts parts = new StreamParts(0);
    parts.apply(whole("a", entry("e1", 1)), 0);
    assertFalse(parts.apply(new JsonObject().put("streams", new JsonArray()), 1), "no instance");
    assertFalse(parts.apply(new JsonObject().put("instance", "a"), 1), "no streams");
    parts.apply(change("a", new JsonObject().put("mode", "audio")), 2); // an entry without an id
    assertEquals(Map.of("e1", 1), listed(parts));
  }
}
