package dev.podium.presence;

import dev.podium.runtime.ownership.FencedStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events this instance holds, and their copy in the cluster: two fenced records per event
 * ({@link FencedStore}), the presence record in {@value #EVENTS} (the stream and the participants
 * in join order, {@link EventRecord}) and the event's entry of the active-streams list in {@value
 * #STREAMS}. Taking an event in claims both at a new epoch, so an instance that lost the event
 * (paused, cut off) can no longer write either; a refused write means another instance owns the
 * event now, and {@code onFenced} drops it here.
 *
 * <p>Writes follow the changes instead of gating them: a join is answered from memory, then the
 * event's record is rewritten as a whole, with at most one write of an event in flight and at most
 * one per {@link #spacing} (25 ms per started hundred participants). A burst of joins into a large
 * room therefore costs a few writes a second however many joins it has, while a quiet room's change
 * is written at once. What a killed owner had not written yet (at most one spacing of changes) is
 * lost with it.
 */
final class ClusterCopy {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCopy.class);

  /** Event id → fenced presence record. */
  static final String EVENTS = "podium.presence.events";

  /**
   * Event id → fenced entry of the active-streams list ({@code event_id, host, started_at, mode,
   * participant_count}).
   */
  static final String STREAMS = "podium.presence.streams";

  static final long SPACING_PER_HUNDRED_MS = 25;

  /** One event held here. */
  static final class Held {
    final String eventId;
    final List<dev.podium.api.presence.Participant> stored;
    private final FencedStore.Lease record;
    private FencedStore.Lease summary;
    private JsonObject stream;
    private JsonObject writtenSummary;
    private Future<Void> tail = Future.succeededFuture();
    private boolean dirty;
    private long timer = -1;
    private long lastWriteAt = Long.MIN_VALUE / 2;

    private Held(String eventId, FencedStore.Lease record, FencedStore.Lease summary) {
      this.eventId = eventId;
      this.record = record;
      this.summary = summary;
      this.stream = EventRecord.stream(record.data());
      this.stored = EventRecord.members(record.data());
      this.writtenSummary = summary == null ? null : summary.data();
    }

    long epoch() {
      return record.epoch();
    }

    JsonObject stream() {
      return stream;
    }
  }

  private final Vertx vertx;
  private final FencedStore events;
  private final FencedStore streams;
  private final Memberships members;
  private final Consumer<String> onFenced;
  private final EntryListener entries;
  private final Map<String, Held> held = new HashMap<>();
  private long writes;

  /**
   * @param onFenced called with an event whose write was refused (another instance owns it now)
   * @param entries told of every entry of the active-streams list written, taken over or removed
   */
  ClusterCopy(
      Vertx vertx,
      FencedStore events,
      FencedStore streams,
      Memberships members,
      Consumer<String> onFenced,
      EntryListener entries) {
    this.vertx = vertx;
    this.events = events;
    this.streams = streams;
    this.members = members;
    this.onFenced = onFenced;
    this.entries = entries;
  }

  /** Least time between two writes of an event's record with this many participants. */
  static long spacing(int participants) {
    return SPACING_PER_HUNDRED_MS * Math.max(1, (participants + 99) / 100);
  }

  boolean holds(String eventId) {
    return held.containsKey(eventId);
  }

  Held get(String eventId) {
    return held.get(eventId);
  }

  Set<String> eventIds() {
    return Set.copyOf(held.keySet());
  }

  /**
   * The events with a presence record as this member has heard of them, without asking the cluster:
   * a hint ({@link FencedStore#knownKeys}).
   */
  Set<String> knownEventIds() {
    return events.knownKeys();
  }

  /** Every event that has a presence record in the cluster, whoever holds it. */
  Future<Set<String>> eventIdsInCluster() {
    return events.keys();
  }

  int size() {
    return held.size();
  }

  /** How many record writes this instance started (a join burst should cost few). */
  long writes() {
    return writes;
  }

  /** Held events whose stream is known (they are in the active-streams list). */
  int streaming() {
    return (int) held.values().stream().filter(h -> h.stream != null).count();
  }

  /**
   * Claims the event's records at a new epoch, or creates an empty record when {@code create} and
   * the cluster has none. Completes with null when there is none and {@code create} is false. The
   * event is not held until {@link #adopt} (the caller checks first that it still owns it).
   */
  Future<Held> claim(String eventId, boolean create) {
    return events
        .claim(eventId)
        .compose(
            lease -> {
              if (lease != null || !create) {
                return Future.succeededFuture(lease);
              }
              return events
                  .create(eventId, EventRecord.encode(null, List.of()))
                  // Created meanwhile (by an instance that owned the event a moment ago): take that
                  // one over.
                  .recover(
                      e ->
                          e instanceof FencedStore.Fenced
                              ? events.claim(eventId)
                              : Future.failedFuture(e));
            })
        .compose(
            lease ->
                lease == null
                    ? Future.succeededFuture(null)
                    : streams.claim(eventId).map(summary -> new Held(eventId, lease, summary)));
  }

  /** Holds a claimed event: its participants go back into the memberships. */
  void adopt(Held event) {
    held.put(event.eventId, event);
    members.restore(event.eventId, event.stored);
    if (event.writtenSummary != null) {
      entries.written(event.eventId, event.writtenSummary);
    }
  }

  /** Told what happens to the events' entries of the active-streams list. */
  interface EntryListener {
    /** The event's entry is now this (written to the cluster, or held since a takeover). */
    void written(String eventId, JsonObject entry);

    /** The event's entry was removed from the cluster: the event ended. */
    void removed(String eventId);
  }

  /** The entries of the held events as last written to the cluster. */
  List<JsonObject> entries() {
    List<JsonObject> all = new ArrayList<>();
    for (Held event : held.values()) {
      if (event.writtenSummary != null) {
        all.add(event.writtenSummary);
      }
    }
    return all;
  }

  /** The event's participants changed: its record is due for a write. */
  void changed(String eventId) {
    Held event = held.get(eventId);
    if (event != null) {
      event.dirty = true;
      schedule(event);
    }
  }

  /** Sets what the active-streams list shows of the event. */
  void stream(String eventId, JsonObject stream) {
    Held event = held.get(eventId);
    if (event != null && !stream.equals(event.stream)) {
      event.stream = stream;
      changed(eventId);
    }
  }

  private void schedule(Held event) {
    if (event.timer != -1 || !event.tail.isComplete()) {
      return; // a write is due or in flight; its completion schedules the next one
    }
    long wait =
        event.lastWriteAt + spacing(members.count(event.eventId)) - System.currentTimeMillis();
    if (wait <= 0) {
      flush(event);
    } else {
      event.timer =
          vertx.setTimer(
              wait,
              t -> {
                event.timer = -1;
                flush(event);
              });
    }
  }

  private void flush(Held event) {
    if (held.get(event.eventId) != event || !event.dirty) {
      return;
    }
    write(event)
        .onComplete(
            ar -> {
              if (held.get(event.eventId) == event && event.dirty) {
                schedule(event);
              }
            });
  }

  /** Writes the event as it is now (after whatever write is in flight). */
  private Future<Void> write(Held event) {
    String eventId = event.eventId;
    event.dirty = false;
    event.lastWriteAt = System.currentTimeMillis();
    writes++;
    JsonObject data = EventRecord.encode(event.stream, members.members(eventId));
    JsonObject summary =
        event.stream == null ? null : ActiveStreams.summary(event.stream, members.count(eventId));
    Future<Void> written =
        event
            .tail
            .transform(previous -> events.write(event.record, data))
            .compose(v -> writeSummary(event, summary))
            .recover(
                e -> {
                  if (e instanceof FencedStore.Fenced) {
                    if (held.get(eventId) == event) {
                      held.remove(eventId);
                      cancelTimer(event);
                      onFenced.accept(eventId);
                    }
                  } else {
                    // Not known to be refused (a timeout, say): written again with the next change.
                    LOG.atWarn()
                        .addKeyValue("event_id", eventId)
                        .log("presence not written to the cluster copy: {}", e.getMessage());
                    event.dirty = true;
                  }
                  return Future.succeededFuture();
                });
    event.tail = written;
    return written;
  }

  private Future<Void> writeSummary(Held event, JsonObject summary) {
    if (summary == null || summary.equals(event.writtenSummary)) {
      return Future.succeededFuture();
    }
    Future<Void> written;
    if (event.summary != null) {
      written = streams.write(event.summary, summary);
    } else {
      written =
          streams
              .create(event.eventId, summary)
              .recover(
                  e ->
                      e instanceof FencedStore.Fenced
                          ? streams
                              .claim(event.eventId)
                              .compose(
                                  lease ->
                                      lease == null
                                          ? Future.failedFuture(e)
                                          : Future.succeededFuture(lease))
                          : Future.failedFuture(e))
              .compose(
                  lease -> {
                    event.summary = lease;
                    return lease.epoch() == 1
                        ? Future.succeededFuture()
                        : streams.write(lease, summary);
                  });
    }
    return written.map(
        v -> {
          event.writtenSummary = summary;
          if (held.get(event.eventId) == event) {
            entries.written(event.eventId, summary);
          }
          return null;
        });
  }

  /**
   * The event ended: removes its records (fenced, after any write in flight) and forgets it here.
   */
  Future<Void> end(String eventId) {
    Held event = held.remove(eventId);
    if (event == null) {
      return Future.succeededFuture();
    }
    cancelTimer(event);
    event.dirty = false;
    Future<Void> removed =
        event
            .tail
            .transform(v -> events.remove(event.record))
            .compose(
                v ->
                    event.summary == null
                        ? Future.succeededFuture()
                        : streams.remove(event.summary).onSuccess(x -> entries.removed(eventId)));
    removed.onFailure(
        e ->
            LOG.atInfo()
                .addKeyValue("event_id", eventId)
                .log("an ended event's presence left to its new owner: {}", e.getMessage()));
    return removed;
  }

  /**
   * The event moved to another instance: writes what is not written yet at once (the new owner
   * waits a moment before it claims, see the service) and forgets it here.
   */
  Future<Void> release(String eventId) {
    Held event = held.remove(eventId);
    if (event == null) {
      return Future.succeededFuture();
    }
    cancelTimer(event);
    return event.dirty ? write(event) : event.tail;
  }

  /**
   * Writes every held event that has changes not written yet (a clean stop); completes when all
   * writes did.
   */
  Future<Void> flushAll() {
    List<Future<Void>> writes = new ArrayList<>();
    for (Held event : held.values()) {
      cancelTimer(event);
      writes.add(event.dirty ? write(event) : event.tail);
    }
    return Future.join(writes).mapEmpty();
  }

  /** Forgets every event here (the instance stops); the cluster copy stays for the new owners. */
  void dropAll() {
    held.values().forEach(this::cancelTimer);
    held.clear();
  }

  private void cancelTimer(Held event) {
    if (event.timer != -1) {
      vertx.cancelTimer(event.timer);
      event.timer = -1;
    }
  }
}
