package dev.podium.gateway.ws;

import dev.podium.api.presence.StreamListing;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The active-streams list put together from the presence-service instances' parts (each instance
 * announces the entries of the events it owns: whole every {@link StreamListing#FULL_PART_EVERY_MS}
 * ms, changes in between). A whole part replaces the instance's entries, a change adds or replaces
 * entries and drops the ones the instance no longer holds; an ended event leaves every instance's
 * part. An event listed by two instances while it moves appears once, as the instance heard last
 * says. The part of an instance silent for three whole-part periods (killed) is dropped.
 *
 * <p>Until every instance has had time to send its whole part, the list read whole from the
 * presence-service when the gateway started ({@link #baseline}) fills the gaps: below the parts,
 * without the events that ended since. Not thread-safe: one event loop.
 */
final class StreamParts {
  static final long SILENT_MS = 3 * StreamListing.FULL_PART_EVERY_MS;

  /** Instance id → its entries by event id, in the order the instances were last heard. */
  private final LinkedHashMap<String, Map<String, JsonObject>> byInstance = new LinkedHashMap<>();

  private final Map<String, Long> heardAt = new HashMap<>();
  private final long startedAt;

  /** The whole list read at the start, until the parts cover it; null before it came and after. */
  private Map<String, JsonObject> base;

  private boolean baseRead;

  /** Events that ended while the base was being read or was in use (it may still list them). */
  private final Set<String> endedSince = new HashSet<>();

  StreamParts(long nowMs) {
    this.startedAt = nowMs;
  }

  /** Applies one part; true when the list changed (a whole part that repeats itself does not). */
  boolean apply(JsonObject part, long nowMs) {
    String instance = part.getString("instance");
    JsonArray streams = part.getJsonArray("streams");
    if (instance == null || streams == null) {
      return false;
    }
    boolean changed = false;
    JsonArray ended = part.getJsonArray("ended");
    if (ended != null) {
      for (Object item : ended) {
        String id = String.valueOf(item);
        for (Map<String, JsonObject> entries : byInstance.values()) {
          changed |= entries.remove(id) != null;
        }
        if (!basePast(nowMs)) {
          endedSince.add(id);
          changed |= base != null && base.remove(id) != null;
        }
      }
    }
    Map<String, JsonObject> previous = byInstance.remove(instance);
    Map<String, JsonObject> entries;
    if (part.getBoolean("full", false)) {
      entries = new HashMap<>();
      for (Object item : streams) {
        if (item instanceof JsonObject entry && entry.getString("event_id") != null) {
          entries.put(entry.getString("event_id"), entry);
        }
      }
      changed |= !entries.equals(previous == null ? Map.of() : previous);
    } else {
      entries = previous == null ? new HashMap<>() : previous;
      for (Object item : streams) {
        if (item instanceof JsonObject entry && entry.getString("event_id") != null) {
          changed |= !entry.equals(entries.put(entry.getString("event_id"), entry));
        }
      }
      JsonArray gone = part.getJsonArray("gone");
      if (gone != null) {
        for (Object id : gone) {
          changed |= entries.remove(String.valueOf(id)) != null;
        }
      }
    }
    byInstance.put(instance, entries); // last heard goes last
    heardAt.put(instance, nowMs);
    return changed;
  }

  /**
   * The whole list as read from the presence-service's cluster copy at the start (its {@code
   * streams}); ignored once the parts cover everything.
   */
  void baseline(Collection<JsonObject> entries, long nowMs) {
    if (basePast(nowMs)) {
      return;
    }
    base = new HashMap<>();
    for (JsonObject entry : entries) {
      String id = entry.getString("event_id");
      if (id != null && !endedSince.contains(id)) {
        base.put(id, entry);
      }
    }
    baseRead = true;
  }

  /** True once every instance has had time to send its whole part. */
  private boolean basePast(long nowMs) {
    return nowMs - startedAt >= StreamListing.FULL_PART_EVERY_MS + 1_000;
  }

  /**
   * Drops the parts of instances silent for {@link #SILENT_MS}, and the base once the parts cover
   * it; true when the list may have changed.
   */
  boolean expire(long nowMs) {
    boolean changed = false;
    if (base != null && basePast(nowMs)) {
      base = null;
      endedSince.clear();
      changed = true;
    }
    List<String> silent = new ArrayList<>();
    heardAt.forEach(
        (instance, at) -> {
          if (nowMs - at >= SILENT_MS) {
            silent.add(instance);
          }
        });
    silent.forEach(
        instance -> {
          heardAt.remove(instance);
          byInstance.remove(instance);
        });
    return changed || !silent.isEmpty();
  }

  /**
   * True once the list put together lacks nothing: the base was read, or every instance has had
   * time to send its whole part. Before that it is not shown.
   */
  boolean complete(long nowMs) {
    return baseRead || basePast(nowMs);
  }

  /**
   * True while the list has a source: some instance was heard within {@link #SILENT_MS}, or the
   * start-up read is still in use. False when no presence-service instance is running: an empty
   * list then would claim that nothing is live.
   */
  boolean heard(long nowMs) {
    if (base != null && !basePast(nowMs)) {
      return true;
    }
    for (long at : heardAt.values()) {
      if (nowMs - at < SILENT_MS) {
        return true;
      }
    }
    return false;
  }

  /** Every listed event's entry, once each. */
  Collection<JsonObject> entries() {
    Map<String, JsonObject> all = base == null ? new HashMap<>() : new HashMap<>(base);
    byInstance.values().forEach(all::putAll);
    return all.values();
  }
}
