package dev.podium.runtime.numbering;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.podium.runtime.ownership.ClusterMajority;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Numbers that count up per key for the whole cluster (1, 2, 3, ... per event), whichever process
 * asks: one map entry per key holding the last number given, moved on only by {@link NextNumber} on
 * the member that owns it. Two backups, like the data it numbers.
 *
 * <p>A key's sequence starts where {@code startAfter} says: when the entry is missing (a new key,
 * or its member and both backups lost), the caller's function finds the highest number already used
 * elsewhere (the chat ring, the database's record) and the sequence goes on after it, so a lost
 * entry never hands out a number twice. Two processes starting one key at once agree: the first
 * start wins ({@code putIfAbsent}) and both then take numbers from it.
 */
public final class ClusterNumbering {
  private final Vertx vertx;
  private final IMap<String, Long> last;

  public ClusterNumbering(Vertx vertx, HazelcastInstance hazelcast, String mapName) {
    this.vertx = vertx;
    // A dynamic configuration: holds whatever cluster XML the operator ships; adding the same one
    // again (a second instance) is accepted by Hazelcast.
    // Writes need a majority when the cluster has that rule, so a cut-off minority never numbers.
    hazelcast
        .getConfig()
        .addMapConfig(
            ClusterMajority.protect(
                hazelcast.getConfig(), new MapConfig(mapName).setBackupCount(2)));
    this.last = hazelcast.getMap(mapName);
  }

  /**
   * Takes the key's next {@code count} numbers and returns the first; {@code startAfter} is asked
   * only when the key has no sequence (it was not {@linkplain #begin begun}, or its entry was
   * lost).
   */
  public Future<Long> next(String key, int count, Function<String, Future<Long>> startAfter) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    return take(key, new NextNumber(null, count))
        .compose(
            number -> {
              if (number != null) {
                return Future.succeededFuture(number);
              }
              return startAfter
                  .apply(key)
                  .compose(highest -> take(key, new NextNumber(Math.max(0, highest), count)));
            });
  }

  /**
   * Starts the key's sequence from nothing (its first number will be 1) unless it has one: for a
   * key known to be new, so that {@link #next} need not ask where to start.
   */
  public Future<Void> begin(String key) {
    return Future.fromCompletionStage(
            last.<Long>submitToKey(key, new StartNumbering(0)), vertx.getOrCreateContext())
        .mapEmpty();
  }

  /** The last number given for the key, or null when it has none. */
  public Future<Long> last(String key) {
    return Future.fromCompletionStage(last.getAsync(key), vertx.getOrCreateContext());
  }

  public Future<Void> forget(String key) {
    return Future.fromCompletionStage(last.removeAsync(key), vertx.getOrCreateContext()).mapEmpty();
  }

  /** Every key that has a sequence now (a blocking cluster read, off the event loop). */
  public Future<Set<String>> keys() {
    return vertx.executeBlocking(() -> new HashSet<>(last.keySet()));
  }

  private Future<Long> take(String key, NextNumber next) {
    return Future.fromCompletionStage(
        last.<Long>submitToKey(key, next), vertx.getOrCreateContext());
  }
}
