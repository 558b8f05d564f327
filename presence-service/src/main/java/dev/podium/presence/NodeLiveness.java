package dev.podium.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * When each gateway node was last heard from, and which cluster member its process is; a node
 * silent longer than the timeout is dead unless its member is still in the cluster. Heartbeats
 * travel on the event bus, which can hold them back for seconds while the cluster recovers from a
 * failure (measured up to 14 s after a kill, docs/benchmarks.md set AR): silence alone would make
 * presence drop every participant of a gateway that is alive, and the room-service end events whose
 * hosts are connected. The cluster engine's membership decides; silence only says when to look.
 */
final class NodeLiveness {
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Map<String, String> memberOf = new HashMap<>();
  private final long timeoutMillis;

  NodeLiveness(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  void seen(String nodeId, long nowMillis) {
    lastSeen.put(nodeId, nowMillis);
  }

  /** A heartbeat: the node is alive now, and its process is cluster member {@code member}. */
  void heartbeat(String nodeId, String member, long nowMillis) {
    seen(nodeId, nowMillis);
    if (member != null) {
      memberOf.put(nodeId, member);
    }
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
    return expire(nowMillis, member -> false);
  }

  /**
   * Removes and returns the nodes not heard from within the timeout whose cluster member, if known,
   * {@code memberAlive} no longer finds.
   */
  List<String> expire(long nowMillis, Predicate<String> memberAlive) {
    List<String> dead = new ArrayList<>();
    lastSeen
        .entrySet()
        .removeIf(
            e -> {
              String member = memberOf.get(e.getKey());
              if (nowMillis - e.getValue() > timeoutMillis
                  && (member == null || !memberAlive.test(member))) {
                dead.add(e.getKey());
                memberOf.remove(e.getKey());
                return true;
              }
              return false;
            });
    return dead;
  }
}
