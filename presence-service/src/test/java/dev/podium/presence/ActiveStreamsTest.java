package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActiveStreamsTest {

  private static JsonObject event(String id, String startedAt, String mode) {
    JsonObject e =
        new JsonObject()
            .put("event_id", id)
            .put(
                "host", new JsonObject().put("user_id", "host-" + id).put("username", "Host " + id))
            .put("started_at", startedAt)
            .put("resumed", true);
    return mode == null ? e : e.put("mode", mode);
  }

  private static List<String> ids(JsonObject message) {
    return message.getJsonArray("streams").stream()
        .map(o -> ((JsonObject) o).getString("event_id"))
        .toList();
  }

  @Test
  void emptyList() {
    JsonObject message = ActiveStreams.message(List.of());
    assertEquals(
        new JsonObject().put("type", "active_streams").put("streams", new JsonArray()), message);
  }

  @Test
  void theStreamKeepsOnlyWhatTheListShowsAndDefaultsToAudio() {
    assertEquals(
        new JsonObject()
            .put("event_id", "a")
            .put("host", new JsonObject().put("user_id", "host-a").put("username", "Host a"))
            .put("started_at", "2025-03-01T10:00:00Z")
            .put("mode", "audio"),
        ActiveStreams.stream(event("a", "2025-03-01T10:00:00Z", null)));
  }

  @Test
  void listsEventsInStartOrderWithCountsWhateverTheOrderOfTheSummaries() {
    // Instants with and without fractions: in text order "10:00:00Z" would sort after
    // "10:00:00.5Z".
    List<JsonObject> summaries =
        new ArrayList<>(
            List.of(
                ActiveStreams.summary(
                    ActiveStreams.stream(event("c", "2025-03-01T10:00:01Z", null)), 0),
                ActiveStreams.summary(
                    ActiveStreams.stream(event("a", "2025-03-01T10:00:00.500Z", "screen")), 3),
                ActiveStreams.summary(
                    ActiveStreams.stream(event("b", "2025-03-01T10:00:00Z", "audio")), 1)));

    JsonObject message = ActiveStreams.message(summaries);

    assertEquals("active_streams", message.getString("type"));
    assertEquals(List.of("b", "a", "c"), ids(message));
    JsonObject a = message.getJsonArray("streams").getJsonObject(1);
    assertEquals(
        new JsonObject()
            .put("event_id", "a")
            .put("host", new JsonObject().put("user_id", "host-a").put("username", "Host a"))
            .put("started_at", "2025-03-01T10:00:00.500Z")
            .put("mode", "screen")
            .put("participant_count", 3),
        a);
    assertEquals(
        0, message.getJsonArray("streams").getJsonObject(2).getInteger("participant_count"));
  }

  @Test
  void theMessageIsACopy() {
    JsonObject summary =
        ActiveStreams.summary(ActiveStreams.stream(event("a", "2025-03-01T10:00:00Z", "audio")), 1);
    ActiveStreams.message(List.of(summary))
        .getJsonArray("streams")
        .getJsonObject(0)
        .put("mode", "tampered");
    assertEquals("audio", summary.getString("mode"));
  }
}
