package dev.podium.chat;

import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * History kept in the cluster, not in this process: one Hazelcast ring buffer per event ({@code
 * podium.chat.<eventId>}, two backups), so a chat-service that dies or restarts, or a second
 * instance, sees the same history. An entry's id is its position in the ring buffer plus one, the
 * same whichever instance wrote it.
 *
 * <p>The ring buffers' capacity is {@code PODIUM_CHAT_HISTORY}: it is added to the cluster's
 * configuration when the service starts (a dynamic configuration, before any ring is made), so
 * every value of the setting works; the cluster refuses a second chat-service whose setting
 * differs, with a message naming it. With a history size of 0 no message is stored: each event's
 * ring has room for one entry and holds only an empty marker, whose sequence numbers the messages.
 */
final class ClusterHistory implements HistoryStore {
  static final String PREFIX = "podium.chat.";

  /** Hazelcast returns at most this many entries per read. */
  private static final int READ_BATCH = 1000;

  private static final String MARKER = "";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final int historySize;

  ClusterHistory(Vertx vertx, HazelcastInstance hazelcast, int historySize) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.historySize = historySize;
    RingbufferConfig config =
        new RingbufferConfig(PREFIX + "*")
            .setCapacity(Math.max(1, historySize))
            .setBackupCount(2)
            .setAsyncBackupCount(0);
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
  }

  private Ringbuffer<String> ring(String eventId) {
    return hazelcast.getRingbuffer(PREFIX + eventId);
  }

  @Override
  public Future<Long> append(String eventId, JsonObject entry) {
    // The id must be in the stored entry, so the sequence is reserved by the write itself:
    // the entry is stored without it and the id is added when read back.
    String stored = historySize == 0 ? MARKER : entry.encode();
    return Future.fromCompletionStage(
            ring(eventId).addAsync(stored, OverflowPolicy.OVERWRITE), vertx.getOrCreateContext())
        .map(sequence -> sequence + 1);
  }

  @Override
  public Future<JsonArray> read(String eventId) {
    if (historySize == 0) {
      // Nothing is kept; also makes no ring for an event nobody chats in.
      return Future.succeededFuture(new JsonArray());
    }
    return vertx.executeBlocking(
        () -> {
          Ringbuffer<String> ring = ring(eventId);
          long tail = ring.tailSequence();
          JsonArray out = new JsonArray();
          long next = Math.max(ring.headSequence(), tail - historySize + 1);
          while (next <= tail) {
            int count = (int) Math.min(READ_BATCH, tail - next + 1);
            ReadResultSet<String> entries;
            try {
              entries = ring.readManyAsync(next, 0, count, null).toCompletableFuture().get();
            } catch (java.util.concurrent.ExecutionException e) {
              if (e.getCause() instanceof com.hazelcast.ringbuffer.StaleSequenceException) {
                // Overwritten by newer messages while we read: start again from the oldest one
                // kept.
                tail = ring.tailSequence();
                next = Math.max(ring.headSequence(), tail - historySize + 1);
                out.clear();
                continue;
              }
              throw e;
            }
            for (int i = 0; i < entries.size(); i++) {
              out.add(new JsonObject(entries.get(i)).put("id", entries.getSequence(i) + 1));
            }
            next += Math.max(1, entries.readCount());
          }
          return out;
        });
  }

  @Override
  public void forget(String eventId) {
    vertx.executeBlocking(
        () -> {
          ring(eventId).destroy();
          return null;
        });
  }

  /** The events that have a ring buffer in the cluster now. */
  Future<Set<String>> eventsWithHistory() {
    return vertx.executeBlocking(
        () -> {
          Set<String> events = new HashSet<>();
          for (DistributedObject object : hazelcast.getDistributedObjects()) {
            if (object instanceof Ringbuffer && object.getName().startsWith(PREFIX)) {
              events.add(object.getName().substring(PREFIX.length()));
            }
          }
          return events;
        });
  }
}
