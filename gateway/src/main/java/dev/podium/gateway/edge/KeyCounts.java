package dev.podium.gateway.edge;

import java.util.HashMap;
import java.util.Map;

/**
 * How many of something each key holds (sockets per address, per user), with a cap. Shared by the
 * gateway's event loops: synchronized.
 */
public final class KeyCounts {
  private final Map<String, Integer> counts = new HashMap<>();

  /** Counts one more for {@code key} unless it already holds {@code max}; true when counted. */
  public synchronized boolean tryAdd(String key, int max) {
    int now = counts.getOrDefault(key, 0);
    if (now >= max) {
      return false;
    }
    counts.put(key, now + 1);
    return true;
  }

  /** Gives one back. */
  public synchronized void remove(String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  public synchronized int count(String key) {
    return counts.getOrDefault(key, 0);
  }

  /** Keys holding anything (memory follows open connections). */
  public synchronized int keys() {
    return counts.size();
  }
}
