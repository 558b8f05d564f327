package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActiveStreamsTest {

  private static JsonObject event(String id, String mode) {
    JsonObject e = new JsonObject()
        .put("event_id", id)
        .put("host", new JsonObject().put("user_id", "host-" + id).put("username", "Host " + id))
        .put("started_at", "2025-03-01T10:00:00Z")
        .put("resumed", true);
    return mode == null ? e : e.put("mode", mode);
  }

  private static List<String> ids(JsonObject message) {
    return message.getJsonArray("streams").stream().map(o -> ((JsonObject) o).getString("event_id")).toList();
  }

  @Test
  void emptyList() {
    JsonObject message = new ActiveStreams().message(id -> 0);
    assertEquals(new JsonObject().put("type", "active_streams").put("streams", new JsonArray()), message);
  }

  @Test
  void listsEventsInStartOrderWithCounts() {
    ActiveStreams streams = new ActiveStreams();
    streams.put(event("b", "audio"));
    streams.put(event("a", "screen"));
    streams.put(event("c", null));
    Map<String, Integer> counts = Map.of("a", 3, "b", 1);

    JsonObject message = streams.message(id -> counts.getOrDefault(id, 0));

    assertEquals("active_streams", message.getString("type"));
    assertEquals(List.of("b", "a", "c"), ids(message));
    JsonObject a = message.getJsonArray("streams").getJsonObject(1);
    assertEquals(new JsonObject()
        .put("event_id", "a")
        .put("host", new JsonObject().put("user_id", "host-a").put("username", "Host a"))
        .put("started_at", "2025-03-01T10:00:00Z")
        .put("mode", "screen")
        .put("participant_count", 3), a);
    assertEquals("audio", message.getJsonArray("streams").getJsonObject(2).getString("mode"));
    assertEquals(0, message.getJsonArray("streams").getJsonObject(2).getInteger("participant_count"));
  }

  @Test
  void updateKeepsThePosition() {
    ActiveStreams streams = new ActiveStreams();
    streams.put(event("a", "audio"));
    streams.put(event("b", "audio"));
    streams.put(event("a", "screen"));
    JsonObject message = streams.message(id -> 0);
    assertEquals(List.of("a", "b"), ids(message));
    assertEquals("screen", message.getJsonArray("streams").getJsonObject(0).getString("mode"));
  }

  @Test
  void removeAndContains() {
    ActiveStreams streams = new ActiveStreams();
    streams.put(event("a", "audio"));
    assertTrue(streams.contains("a"));
    assertTrue(streams.remove("a"));
    assertFalse(streams.contains("a"));
    assertFalse(streams.remove("a"));
    assertTrue(ids(streams.message(id -> 0)).isEmpty());
  }

  @Test
  void messageIsACopy() {
    ActiveStreams streams = new ActiveStreams();
    streams.put(event("a", "audio"));
    streams.message(id -> 1).getJsonArray("streams").getJsonObject(0).put("mode", "tampered");
    assertEquals("audio", streams.message(id -> 1).getJsonArray("streams").getJsonObject(0).getString("mode"));
  }
}
