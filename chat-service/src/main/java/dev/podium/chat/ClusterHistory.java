package dev.podium.chat;

import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * History kept in the cluster, not in this process: one Hazelcast ring buffer per event
 * ({@code podium.chat.<eventId>}, capacity = the history size, two backups), so a chat-service that
 * dies or restarts, or a second instance, sees the same history. An entry's id is its position
 * in the ring buffer plus one, the same whichever instance wrote it.
 */
final class ClusterHistory implements HistoryStore {
  private static final String PREFIX = "podium.chat.";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final int capacity;

  ClusterHistory(Vertx vertx, HazelcastInstance hazelcast, int capacity) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.capacity = Math.max(1, capacity);
    hazelcast.getConfig().addRingBufferConfig(new RingbufferConfig(PREFIX + "*")
        .setCapacity(this.capacity).setBackupCount(2).setAsyncBackupCount(0));
  }

  private Ringbuffer<String> ring(String eventId) {
    return hazelcast.getRingbuffer(PREFIX + eventId);
  }

  @Override
  public Future<Long> append(String eventId, JsonObject entry) {
    // The id must be in the stored entry, so the sequence is reserved by the write itself:
    // the entry is stored without it and the id is added when read back.
    return Future.fromCompletionStage(ring(eventId).addAsync(entry.encode(), OverflowPolicy.OVERWRITE), vertx.getOrCreateContext())
        .map(sequence -> sequence + 1);
  }

  @Override
  public Future<JsonArray> read(String eventId) {
    return vertx.executeBlocking(() -> {
      Ringbuffer<String> ring = ring(eventId);
      long head = ring.headSequence();
      long tail = ring.tailSequence();
      JsonArray out = new JsonArray();
      if (tail < head) {
        return out;
      }
      ReadResultSet<String> entries = ring.readManyAsync(head, 0, (int) Math.min(capacity, tail - head + 1), null)
          .toCompletableFuture().get();
      for (int i = 0; i < entries.size(); i++) {
        out.add(new JsonObject(entries.get(i)).put("id", entries.getSequence(i) + 1));
      }
      return out;
    });
  }

  @Override
  public void forget(String eventId) {
    vertx.executeBlocking(() -> {
      ring(eventId).destroy();
      return null;
    });
  }
}
