package dev.podium.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** When each gateway node was last heard from; a node silent longer than the timeout is dead. */
final class NodeLiveness {
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final long timeoutMillis;

  NodeLiveness(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  void seen(String nodeId, long nowMillis) {
    lastSeen.put(nodeId, nowMillis);
  }

  /**
   * Starts the clock for a node not heard from yet (its participants were loaded, not joined here).
   */
  void known(String nodeId, long nowMillis) {
    lastSeen.putIfAbsent(nodeId, nowMillis);
  }

  /**
   * Counts every node as heard from now: after a pause of this process, their silence was its own
   * deafness.
   */
  void restart(long nowMillis) {
    lastSeen.replaceAll((node, seen) -> nowMillis);
  }

  /** Removes and returns the nodes not heard from within the timeout. */
  List<String> expire(long nowMillis) {
    List<String> dead = new ArrayList<>();
    lastSeen
        .entrySet()
        .removeIf(
            e -> {
              if (nowMillis - e.getValue() > timeoutMillis) {
                dead.add(e.getKey());
                return true;
              }
              return false;
            });
    return dead;
  }
}
