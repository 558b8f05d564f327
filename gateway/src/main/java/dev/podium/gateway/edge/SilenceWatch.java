package dev.podium.gateway.edge;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Things that must show a sign of life within a timeout: each has the time it was last heard from;
 * {@link #expired} takes out those silent for longer. Times are passed in (nanoseconds), so tests
 * drive it with a virtual clock. One event loop only.
 */
public final class SilenceWatch<T> {
  private final long timeoutNanos;
  private final Map<T, Long> lastHeard = new LinkedHashMap<>();

  public SilenceWatch(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /** Starts watching, or counts a sign of life. */
  public void heard(T item, long now) {
    lastHeard.put(item, now);
  }

  public void forget(T item) {
    lastHeard.remove(item);
  }

  public boolean watching(T item) {
    return lastHeard.containsKey(item);
  }

  /** Removes and returns everything silent for longer than the timeout at {@code now}. */
  public List<T> expired(long now) {
    List<T> out = new ArrayList<>();
    for (Iterator<Map.Entry<T, Long>> it = lastHeard.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<T, Long> e = it.next();
      if (now - e.getValue() > timeoutNanos) {
        out.add(e.getKey());
        it.remove();
      }
    }
    return out;
  }

  /** A copy of everything watched. */
  public List<T> all() {
    return new ArrayList<>(lastHeard.keySet());
  }

  public int size() {
    return lastHeard.size();
  }
}
