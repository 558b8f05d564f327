package dev.podium.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/** History in this process only (a Vert.x that is not clustered: tests, embedded use). */
final class MemoryHistory implements HistoryStore {
  private final int capacity;
  private final Map<String, ArrayDeque<JsonObject>> byEvent = new HashMap<>();
  private final Map<String, Long> lastId = new HashMap<>();

  MemoryHistory(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public void begin(String eventId) {
    // Nothing to do: ids start at 1 for an event this process has not seen.
  }

  @Override
  public Future<Long> nextIds(String eventId, int count) {
    return Future.succeededFuture(lastId.merge(eventId, (long) count, Long::sum) - count + 1);
  }

  @Override
  public Future<Void> store(String eventId, long id, JsonObject entry) {
    if (capacity > 0) {
      ArrayDeque<JsonObject> history = byEvent.computeIfAbsent(eventId, e -> new ArrayDeque<>());
      if (history.size() == capacity) {
        history.removeFirst();
      }
      history.addLast(entry.copy().put("id", id));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<JsonArray> read(String eventId) {
    JsonArray out = new JsonArray();
    ArrayDeque<JsonObject> history = byEvent.get(eventId);
    if (history != null) {
      history.forEach(out::add);
    }
    return Future.succeededFuture(out);
  }

  @Override
  public void forget(String eventId) {
    byEvent.remove(eventId);
    lastId.remove(eventId);
  }
}
