package dev.podium.runtime.rates;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Spends one slot of a key's window where the key lives: run by Hazelcast on the member that owns
 * the key's partition, one at a time per key, so every process of the cluster sees one window. Time
 * is that member's wall clock (never {@code nanoTime}: the key moves to another member when its
 * owner leaves). Sent over the cluster, so it lives in {@code runtime}, which every Podium process
 * has: a gateway or a relay may own the partition.
 */
final class WindowSlot implements EntryProcessor<String, long[], Boolean> {
  private static final long serialVersionUID = 1L;

  private final int limit;

  WindowSlot(int limit) {
    this.limit = limit;
  }

  @Override
  public Boolean process(Map.Entry<String, long[]> entry) {
    long[] next = SlidingWindow.admit(entry.getValue(), limit, System.currentTimeMillis());
    if (next == null) {
      return false;
    }
    entry.setValue(next);
    return true;
  }
}
