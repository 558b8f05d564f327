package dev.podium.presence;

import dev.podium.api.presence.Participant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster copy of the memberships (the Hazelcast map {@code podium.presence}, with backups),
 * so that a standby presence-service can take over with everyone still in their events, in join
 * order. One entry per user per event, written by the active instance on every change.
 */
final class MembershipStore {
  static final String MAP = "podium.presence";

  /** A membership read back from the cluster copy. */
  record Stored(String eventId, Participant participant, long order) {
  }

  private final Vertx vertx;
  /** Join order of each entry; a replaced entry keeps its place. */
  private final Map<String, Long> orderByKey = new HashMap<>();
  private long nextOrder;
  private AsyncMap<String, JsonObject> map;

  MembershipStore(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Reads every membership, in join order; from now on this instance writes the copy. */
  Future<List<Stored>> load() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(m -> {
      map = m;
      return m.entries();
    }).map(entries -> {
      List<Stored> stored = new ArrayList<>(entries.size());
      orderByKey.clear();
      entries.forEach((key, value) -> {
        long order = value.getLong("order", 0L);
        orderByKey.put(key, order);
        stored.add(new Stored(value.getString("event_id"), new Participant(value.getJsonObject("participant")), order));
      });
      stored.sort(Comparator.comparingLong(Stored::order));
      nextOrder = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).order() + 1;
      return stored;
    });
  }

  /** Stops writing: another instance owns the copy now. */
  void release() {
    map = null;
    orderByKey.clear();
  }

  /** Adds or updates the user's entry in the event. */
  Future<Void> save(String eventId, Participant participant) {
    if (map == null) {
      return Future.succeededFuture();
    }
    String key = key(eventId, participant.userId());
    long order = orderByKey.computeIfAbsent(key, k -> nextOrder++);
    return map.put(key, new JsonObject()
        .put("event_id", eventId)
        .put("order", order)
        .put("participant", participant.toJson()));
  }

  Future<Void> remove(String eventId, String userId) {
    if (map == null) {
      return Future.succeededFuture();
    }
    String key = key(eventId, userId);
    orderByKey.remove(key);
    return map.remove(key).mapEmpty();
  }

  private static String key(String eventId, String userId) {
    // Event ids are made by the room-service and hold no NUL, so the first NUL ends the event id.
    return eventId + '\u0000' + userId;
  }
}
