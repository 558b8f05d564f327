package dev.podium.runtime.rates;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate windows held in this process: for a Vert.x that is not clustered (unit tests, a process with
 * no cluster). Answers at once. Windows that no longer count are forgotten at most once per window,
 * so memory follows the keys active in the last second.
 */
public final class LocalRateWindows implements RateWindows {
  private final int limit;
  private final LongSupplier clockMillis;
  private final Map<String, long[]> windows = new HashMap<>();
  private long sweptAt;

  /**
   * {@code clockMillis} gives wall-clock milliseconds ({@code System::currentTimeMillis} in
   * production).
   */
  public LocalRateWindows(int limit, LongSupplier clockMillis) {
    this.limit = limit;
    this.clockMillis = clockMillis;
    this.sweptAt = clockMillis.getAsLong();
  }

  @Override
  public synchronized Future<Boolean> tryAcquire(String key) {
    long now = clockMillis.getAsLong();
    if (now - sweptAt >= SlidingWindow.WINDOW_MILLIS || now < sweptAt) {
      sweptAt = now;
      for (Iterator<long[]> it = windows.values().iterator(); it.hasNext(); ) {
        if (SlidingWindow.idle(it.next(), now)) {
          it.remove();
        }
      }
    }
    long[] next = SlidingWindow.admit(windows.get(key), limit, now);
    if (next == null) {
      return Future.succeededFuture(false);
    }
    windows.put(key, next);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> forgetPrefix(String prefix) {
    windows.keySet().removeIf(key -> key.startsWith(prefix));
    return Future.succeededFuture();
  }

  /** Keys kept now (for tests). */
  synchronized int size() {
    return windows.size();
  }
}
