package dev.podium.presence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/** The live events as the active-streams list shows them, in start order. */
final class ActiveStreams {
  private final Map<String, JsonObject> byEventId = new LinkedHashMap<>();

  /** Adds or updates an event from its public description ({@code event_id, host, started_at, mode}). */
  void put(JsonObject event) {
    byEventId.put(event.getString("event_id"), new JsonObject()
        .put("event_id", event.getString("event_id"))
        .put("host", event.getJsonObject("host"))
        .put("started_at", event.getString("started_at"))
        .put("mode", event.getString("mode", "audio")));
  }

  boolean remove(String eventId) {
    return byEventId.remove(eventId) != null;
  }

  void clear() {
    byEventId.clear();
  }

  int size() {
    return byEventId.size();
  }

  boolean contains(String eventId) {
    return byEventId.containsKey(eventId);
  }

  JsonObject message(ToIntFunction<String> participantCount) {
    JsonArray streams = new JsonArray();
    byEventId.forEach((id, stream) -> streams.add(stream.copy().put("participant_count", participantCount.applyAsInt(id))));
    return new JsonObject().put("type", "active_streams").put("streams", streams);
  }
}
