package dev.podium.presence;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Runs {@code flush(key)} at most once per interval per key, however often {@link #mark} is called:
 * a burst of 500 joins becomes a handful of list broadcasts, not 500. The first change after a
 * quiet period is flushed at once.
 */
final class Coalescer {
  private final Vertx vertx;
  private final ToLongFunction<String> intervalMillis;
  private final Consumer<String> flush;
  private final Set<String> pending = new HashSet<>();
  private final Map<String, Long> lastFlush = new HashMap<>();

  Coalescer(Vertx vertx, Duration interval, Consumer<String> flush) {
    this(vertx, key -> interval.toMillis(), flush);
  }

  /** With an interval per key, read when a change is marked. */
  Coalescer(Vertx vertx, ToLongFunction<String> intervalMillis, Consumer<String> flush) {
    this.vertx = vertx;
    this.intervalMillis = intervalMillis;
    this.flush = flush;
  }

  void mark(String key) {
    if (!pending.add(key)) {
      return;
    }
    long now = System.currentTimeMillis();
    long due = lastFlush.getOrDefault(key, 0L) + intervalMillis.applyAsLong(key);
    vertx.setTimer(
        Math.max(1, due - now),
        id -> {
          if (pending.remove(key)) {
            lastFlush.put(key, System.currentTimeMillis());
            flush.accept(key);
          }
        });
  }

  /** Drops every pending flush. */
  void clear() {
    pending.clear();
    lastFlush.clear();
  }

  /** Forgets the key: a pending flush is dropped. */
  void forget(String key) {
    pending.remove(key);
    lastFlush.remove(key);
  }
}
