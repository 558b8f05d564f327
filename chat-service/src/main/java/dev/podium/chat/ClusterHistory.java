package dev.podium.chat;

import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import dev.podium.api.history.HistoryService;
import dev.podium.runtime.numbering.ClusterNumbering;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.ownership.ClusterMajority;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History kept in the cluster, not in this process: one Hazelcast ring buffer per event ({@code
 * podium.chat.<eventId>}, two backups), so a chat-service that dies or restarts, or a second
 * instance, sees the same history. Ids come from the event's cluster numbering ({@code
 * podium.chat-ids}), the same whichever instance takes one, and are stored in the entries.
 *
 * <p>An event's numbering begins at 0 when it goes live (the lifecycle notice), so the record is
 * not asked in the normal case. The database's record (the history-service) backs both: a numbering
 * that is missing when a message comes (lost, or the notice not heard) starts after the highest id
 * used anywhere (the ring, the record), and a message that is the first entry of its ring although
 * ids were given before shows the ring was lost (its member and both backups died): the ring is
 * refilled from the record behind it. So a lost ring or a lost numbering never gives an id twice,
 * and joiners get the last messages again once the next one is sent (reads never wait for a refill,
 * nor start one: joins stay free of it). The record is written behind, so lines sent in its last
 * moments may be missing from a refill (docs/storage.md).
 *
 * <p>The ring buffers' capacity is {@code PODIUM_CHAT_HISTORY}: it is added to the cluster's
 * configuration when the service starts (a dynamic configuration, before any ring is made), so
 * every value of the setting works; the cluster refuses a second chat-service whose setting
 * differs, with a message naming it. With a history size of 0 no ring is made: only the numbering.
 */
final class ClusterHistory implements HistoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterHistory.class);

  static final String PREFIX = "podium.chat.";
  static final String IDS = "podium.chat-ids";

  /** Hazelcast returns at most this many entries per read. */
  private static final int READ_BATCH = 1000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final int historySize;
  private final ClusterNumbering numbering;
  private final HistoryService record;
  private final Counter refills;

  /** Events whose ring this instance is refilling now (its one event loop reads and writes it). */
  private final Set<String> refilling = new HashSet<>();

  ClusterHistory(Vertx vertx, HazelcastInstance hazelcast, int historySize, HistoryService record) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.historySize = historySize;
    this.record = record;
    this.refills = Observability.registry(vertx).counter("podium_chat_ring_refills_total");
    // A cut-off minority stores nothing (its writes are refused), so a merge never drops a line
    // a sender was told was sent.
    RingbufferConfig config =
        ClusterMajority.protect(
            hazelcast.getConfig(),
            new RingbufferConfig(PREFIX + "*")
                .setCapacity(Math.max(1, historySize))
                .setBackupCount(2)
                .setAsyncBackupCount(0));
    try {
      hazelcast.getConfig().addRingBufferConfig(config);
    } catch (InvalidConfigurationException conflict) {
      int other = hazelcast.getConfig().getRingbufferConfig(PREFIX + "x").getCapacity();
      throw new IllegalStateException(
          "PODIUM_CHAT_HISTORY is "
              + historySize
              + ", but the chat ring buffers of this cluster already hold "
              + other
              + " messages (set by another chat-service instance, or a ringbuffer 'podium.chat.*' in the Hazelcast"
              + " configuration): every chat-service of a cluster must use the same PODIUM_CHAT_HISTORY",
          conflict);
    }
    this.numbering = new ClusterNumbering(vertx, hazelcast, IDS);
  }

  private Ringbuffer<String> ring(String eventId) {
    return hazelcast.getRingbuffer(PREFIX + eventId);
  }

  @Override
  public void begin(String eventId) {
    numbering
        .begin(eventId)
        .onFailure(
            e ->
                LOG.warn(
                    "chat numbering of event {} not begun ({}); its first message will ask the"
                        + " record",
                    eventId,
                    e.getMessage()));
  }

  @Override
  public Future<Long> nextIds(String eventId, int count) {
    return numbering.next(eventId, count, this::highestIdUsed);
  }

  @Override
  public Future<Void> store(String eventId, long id, JsonObject entry) {
    if (historySize == 0) {
      return Future.succeededFuture();
    }
    return Future.fromCompletionStage(
            ring(eventId).addAsync(entry.copy().put("id", id).encode(), OverflowPolicy.OVERWRITE),
            vertx.getOrCreateContext())
        .compose(
            sequence -> {
              if (!ClusterMajority.confirms(hazelcast)) {
                // Stored on a side that lost its majority meanwhile: the merge may drop it.
                return Future.failedFuture(
                    new IllegalStateException("stored while cut off from the cluster's majority"));
              }
              if (sequence == 0 && id > 1 && refilling.add(eventId)) {
                // The first entry of a ring whose event had messages: the ring was lost (or
                // another message, numbered earlier, is still on its way; then the record has
                // nothing older to add). Runs behind the message.
                refill(eventId, id).onComplete(done -> refilling.remove(eventId));
              }
              return Future.<Void>succeededFuture();
            });
  }

  @Override
  public Future<JsonArray> read(String eventId) {
    if (historySize == 0) {
      // Nothing is kept; also makes no ring for an event nobody chats in.
      return Future.succeededFuture(new JsonArray());
    }
    if (historySize <= READ_BATCH) {
      // Every join reads: one asynchronous call instead of three blocking ones on a worker. The
      // ring's capacity is the history size, and a read that starts before the ring's head starts
      // at its head, so reading from 0 returns every line it holds.
      return Future.fromCompletionStage(
              ring(eventId).readManyAsync(0, 0, historySize, null), vertx.getOrCreateContext())
          .map(entries -> newestInIdOrder(addTo(new ArrayList<>(entries.size()), entries)));
    }
    return vertx
        .executeBlocking(() -> readRing(eventId))
        .compose(entries -> Future.succeededFuture(newestInIdOrder(entries)));
  }

  @Override
  public void forget(String eventId) {
    numbering.forget(eventId);
    vertx.executeBlocking(
        () -> {
          ring(eventId).destroy();
          return null;
        });
  }

  /** The events that have a ring buffer or a numbering in the cluster now. */
  Future<Set<String>> eventsWithHistory() {
    Future<Set<String>> rings =
        vertx.executeBlocking(
            () -> {
              Set<String> events = new HashSet<>();
              for (DistributedObject object : hazelcast.getDistributedObjects()) {
                if (object instanceof Ringbuffer && object.getName().startsWith(PREFIX)) {
                  events.add(object.getName().substring(PREFIX.length()));
                }
              }
              return events;
            });
    Future<Set<String>> numbered = numbering.keys();
    return Future.all(rings, numbered)
        .map(
            v -> {
              Set<String> events = new HashSet<>(rings.result());
              events.addAll(numbered.result());
              return events;
            });
  }

  /**
   * Where a new numbering of the event starts: after the highest id in its ring or in the record. A
   * ring found empty here while the record has lines is refilled first.
   */
  private Future<Long> highestIdUsed(String eventId) {
    Future<Long> inRing =
        historySize == 0
            ? Future.succeededFuture(0L)
            : vertx.executeBlocking(() -> lastIdOf(readRing(eventId)));
    Future<JsonObject> inRecord = recentFromRecord(eventId);
    return Future.all(inRing, inRecord)
        .compose(
            v -> {
              long ringLast = inRing.result();
              JsonObject recent = inRecord.result();
              long recordLast = recent.getLong("last_id", 0L);
              JsonArray lines = recent.getJsonArray("messages", new JsonArray());
              Future<Void> filled =
                  ringLast == 0 && historySize > 0 && !lines.isEmpty()
                      ? store(eventId, lines)
                      : Future.succeededFuture();
              return filled.map(Math.max(ringLast, recordLast));
            });
  }

  /** Writes the record's lines below {@code beforeId} into the event's ring; returns them. */
  private Future<List<JsonObject>> refill(String eventId, long beforeId) {
    Future<JsonObject> recent = recentFromRecord(eventId);
    // Only as many as the ring has room for beside what it holds now: the ring keeps the last
    // entries added, and the newer messages that revealed the loss must stay.
    Future<Long> held = vertx.executeBlocking(() -> ring(eventId).size());
    return Future.all(recent, held)
        .compose(
            v -> {
              List<Object> older = new ArrayList<>();
              for (Object line : recent.result().getJsonArray("messages", new JsonArray())) {
                if (((JsonObject) line).getLong("id") < beforeId) {
                  older.add(line);
                }
              }
              int room = (int) Math.max(0, historySize - held.result());
              JsonArray lines =
                  new JsonArray(
                      new ArrayList<>(
                          older.subList(Math.max(0, older.size() - room), older.size())));
              if (lines.isEmpty()) {
                return Future.succeededFuture(List.<JsonObject>of());
              }
              refills.increment();
              LOG.warn(
                  "chat ring of event {} was lost; refilled {} messages from the record",
                  eventId,
                  lines.size());
              List<JsonObject> entries = new ArrayList<>();
              lines.forEach(line -> entries.add((JsonObject) line));
              return store(eventId, lines).map(entries);
            });
  }

  private Future<Void> store(String eventId, JsonArray lines) {
    List<String> encoded = new ArrayList<>(lines.size());
    lines.forEach(line -> encoded.add(((JsonObject) line).encode()));
    return Future.fromCompletionStage(
            ring(eventId).addAllAsync(encoded, OverflowPolicy.OVERWRITE),
            vertx.getOrCreateContext())
        .mapEmpty();
  }

  /** The record's newest lines; nothing (and a warning) when it cannot answer. */
  private Future<JsonObject> recentFromRecord(String eventId) {
    return record
        .recentChat(eventId, historySize)
        .recover(
            unreachable -> {
              LOG.warn(
                  "the record's chat of event {} could not be read ({}); numbering from the ring"
                      + " alone",
                  eventId,
                  unreachable.getMessage());
              return Future.succeededFuture(new JsonObject());
            });
  }

  /** The retained entries as stored, oldest first (blocking: call off the event loop). */
  private List<JsonObject> readRing(String eventId) throws Exception {
    Ringbuffer<String> ring = ring(eventId);
    long tail = ring.tailSequence();
    List<JsonObject> out = new ArrayList<>();
    long next = Math.max(ring.headSequence(), tail - historySize + 1);
    while (next <= tail) {
      int count = (int) Math.min(READ_BATCH, tail - next + 1);
      ReadResultSet<String> entries;
      try {
        entries = ring.readManyAsync(next, 0, count, null).toCompletableFuture().get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StaleSequenceException) {
          // Overwritten by newer messages while we read: start again from the oldest one kept.
          tail = ring.tailSequence();
          next = Math.max(ring.headSequence(), tail - historySize + 1);
          out.clear();
          continue;
        }
        throw e;
      }
      addTo(out, entries);
      next += Math.max(1, entries.readCount());
    }
    return out;
  }

  /** Adds the entries read to {@code out}, as JSON; returns {@code out}. */
  private static List<JsonObject> addTo(List<JsonObject> out, ReadResultSet<String> entries) {
    for (int i = 0; i < entries.size(); i++) {
      out.add(new JsonObject(entries.get(i)));
    }
    return out;
  }

  private static long lastIdOf(List<JsonObject> entries) {
    long last = 0;
    for (JsonObject entry : entries) {
      last = Math.max(last, entry.getLong("id", 0L));
    }
    return last;
  }

  /**
   * The newest {@code historySize} entries, each id once, in id order: instances write to a ring
   * concurrently and a refill may repeat lines, so the ring's order is not the id order.
   */
  private JsonArray newestInIdOrder(List<JsonObject> entries) {
    TreeMap<Long, JsonObject> byId = new TreeMap<>();
    for (JsonObject entry : entries) {
      byId.putIfAbsent(entry.getLong("id", 0L), entry);
    }
    while (byId.size() > historySize) {
      byId.pollFirstEntry();
    }
    return new JsonArray(new ArrayList<Object>(byId.values()));
  }
}
