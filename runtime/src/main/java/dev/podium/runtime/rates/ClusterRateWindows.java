package dev.podium.runtime.rates;

import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.podium.runtime.ops.Observability;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate windows that hold for the whole cluster, however many processes ask: one entry per key in a
 * Hazelcast map, changed only by a {@link WindowSlot} that runs on the member owning the key's
 * partition (one at a time per key). Cost: one call to that member per {@link #tryAcquire}, no
 * lock, no read-modify-write race.
 *
 * <p>The map is soft state, configured here when the first user starts (a dynamic configuration, so
 * it holds whatever cluster XML the operator ships): no backup, because a window lost with its
 * member only ever lets a sender through for one second; entries idle for {@value
 * #MAX_IDLE_SECONDS} s expire, so the map follows the keys active in the last seconds. When the
 * cluster cannot answer (a partition migrating past its retries, a member lost mid-call) the
 * message is let through and counted ({@code podium_rate_window_failures_total}): a broken rate
 * check must not silence honest senders.
 */
public final class ClusterRateWindows implements RateWindows {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRateWindows.class);
  static final int MAX_IDLE_SECONDS = 5;

  private final Vertx vertx;
  private final IMap<String, long[]> windows;
  private final WindowSlot slot;
  private final Counter failures;

  public ClusterRateWindows(Vertx vertx, HazelcastInstance hazelcast, String mapName, int limit) {
    this.vertx = vertx;
    MapConfig config =
        new MapConfig(mapName)
            .setBackupCount(0)
            .setAsyncBackupCount(0)
            .setMaxIdleSeconds(MAX_IDLE_SECONDS);
    try {
      hazelcast.getConfig().addMapConfig(config);
    } catch (InvalidConfigurationException conflict) {
      throw new IllegalStateException(
          "the cluster already has a map configuration '"
              + mapName
              + "' that differs "
              + "from Podium's (no backup, entries idle "
              + MAX_IDLE_SECONDS
              + " s expire): remove it from the Hazelcast "
              + "configuration",
          conflict);
    }
    this.windows = hazelcast.getMap(mapName);
    this.slot = new WindowSlot(limit);
    this.failures =
        Counter.builder("podium_rate_window_failures_total")
            .tag("map", mapName)
            .description("Rate checks the cluster could not answer (the message was let through)")
            .register(Observability.registry(vertx));
  }

  /**
   * One scan of the map on every member (a LIKE on the key; the prefix must hold no {@code %} or
   * {@code _}): run when an event ends, which is rare next to messages. Hazelcast's expiry of idle
   * entries is lazy and was seen to keep hundreds of them past a minute.
   */
  @Override
  public Future<Void> forgetPrefix(String prefix) {
    if (prefix.indexOf('%') >= 0 || prefix.indexOf('_') >= 0) {
      return Future.failedFuture(
          new IllegalArgumentException("a key prefix with a LIKE wildcard: " + prefix));
    }
    return vertx.executeBlocking(
        () -> {
          windows.removeAll(com.hazelcast.query.Predicates.like("__key", prefix + "%"));
          return null;
        },
        false);
  }

  @Override
  public Future<Boolean> tryAcquire(String key) {
    return Future.fromCompletionStage(windows.submitToKey(key, slot), vertx.getOrCreateContext())
        .recover(
            e -> {
              failures.increment();
              LOG.warn(
                  "rate window check failed, letting the message through: {}",
                  String.valueOf(e.getMessage()));
              return Future.succeededFuture(true);
            });
  }
}
