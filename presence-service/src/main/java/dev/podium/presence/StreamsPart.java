package dev.podium.presence;

import dev.podium.api.Addresses;
import dev.podium.api.presence.StreamListing;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * This instance's part of the active-streams list: the entries of the events it owns, announced to
 * every gateway node on {@link Addresses#ACTIVE_STREAMS_PARTS}. What changed goes out coalesced (at
 * most once per interval), the whole part every {@link #FULL_EVERY_MS} ms. A change costs what
 * changed, not the whole list: no instance reads every event's entry or encodes the whole list to
 * announce one join (the gateways put the parts together).
 *
 * <p>A part says for each event either its entry ({@code streams}), that this instance no longer
 * holds it ({@code gone}: another instance announces it now), or that it {@code ended} (the
 * gateways drop it from every instance's part, so a killed instance's last part does not keep an
 * ended event listed). Called on the service's context only.
 */
final class StreamsPart implements ClusterCopy.EntryListener {
  /**
   * How often the whole part goes out. A gateway that started or missed a message has every
   * instance's part after this long, and drops the part of an instance silent for three times it.
   */
  static final long FULL_EVERY_MS = StreamListing.FULL_PART_EVERY_MS;

  private final Vertx vertx;
  private final String instanceId;
  private final Supplier<Collection<JsonObject>> entries;
  private final Coalescer changes;
  private final Map<String, JsonObject> written = new LinkedHashMap<>();
  private final Set<String> gone = new LinkedHashSet<>();
  private final Set<String> ended = new LinkedHashSet<>();
  private long fullTimer = -1;

  /**
   * @param entries the entries of every event this instance holds, as last written to the cluster
   */
  StreamsPart(
      Vertx vertx, String instanceId, Duration interval, Supplier<Collection<JsonObject>> entries) {
    this.vertx = vertx;
    this.instanceId = instanceId;
    this.entries = entries;
    this.changes = new Coalescer(vertx, interval, key -> publishChanges());
  }

  void start() {
    fullTimer = vertx.setPeriodic(FULL_EVERY_MS, FULL_EVERY_MS, t -> publishFull());
  }

  /** Stops the whole parts and announces an empty one: this instance lists nothing any more. */
  void stop() {
    if (fullTimer != -1) {
      vertx.cancelTimer(fullTimer);
      fullTimer = -1;
    }
    changes.clear();
    written.clear();
    gone.clear();
    vertx.eventBus().publish(Addresses.ACTIVE_STREAMS_PARTS, part(true, new JsonArray()));
    ended.clear();
  }

  /** The event's entry was written to the cluster (or taken over with the event). */
  @Override
  public void written(String eventId, JsonObject entry) {
    gone.remove(eventId);
    written.put(eventId, entry);
    changes.mark("");
  }

  /** This instance no longer holds the event: another one lists it now. */
  void gone(String eventId) {
    written.remove(eventId);
    gone.add(eventId);
    changes.mark("");
  }

  /** The event's entry was removed: the event ended, nobody lists it any more. */
  @Override
  public void removed(String eventId) {
    written.remove(eventId);
    gone.remove(eventId);
    ended.add(eventId);
    changes.mark("");
  }

  private void publishChanges() {
    if (written.isEmpty() && gone.isEmpty() && ended.isEmpty()) {
      return;
    }
    vertx
        .eventBus()
        .publish(
            Addresses.ACTIVE_STREAMS_PARTS,
            part(false, new JsonArray(new ArrayList<>(written.values()))));
    written.clear();
    gone.clear();
    ended.clear();
  }

  /** The whole part; it also carries the ends not announced yet, and replaces pending changes. */
  private void publishFull() {
    JsonArray all = new JsonArray();
    entries.get().forEach(all::add);
    vertx.eventBus().publish(Addresses.ACTIVE_STREAMS_PARTS, part(true, all));
    written.clear();
    gone.clear();
    ended.clear();
  }

  private JsonObject part(boolean full, JsonArray streams) {
    JsonObject part =
        new JsonObject().put("instance", instanceId).put("full", full).put("streams", streams);
    if (!full && !gone.isEmpty()) {
      part.put("gone", new JsonArray(new ArrayList<>(gone)));
    }
    if (!ended.isEmpty()) {
      part.put("ended", new JsonArray(new ArrayList<>(ended)));
    }
    return part;
  }
}
