package dev.podium.media.mix;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether any gateway node wants an event's room mix in Opus. Gateways announce {@code opus: true}
 * while they have an Opus listener in the event (again every second) and {@code opus: false} when
 * their last one leaves; a node that said true and has been silent for longer than the expiry (a
 * dead gateway, a lost message) no longer counts.
 */
public final class OpusDemand {
  /** How long a node's {@code true} counts without being repeated. */
  public static final long EXPIRY_NANOS = 3_000_000_000L;

  /** Node id to the time of its last {@code true}; a {@code false} removes the node. */
  private final Map<String, Long> wanting = new HashMap<>();
  private final long expiryNanos;

  public OpusDemand() {
    this(EXPIRY_NANOS);
  }

  public OpusDemand(long expiryNanos) {
    this.expiryNanos = expiryNanos;
  }

  /** Records a node's announcement. */
  public void wanted(String nodeId, boolean opus, long nowNanos) {
    if (nodeId == null) {
      return;
    }
    if (opus) {
      wanting.put(nodeId, nowNanos);
    } else {
      wanting.remove(nodeId);
    }
  }

  /** True if some node said {@code true} within the expiry and has not said {@code false} since. */
  public boolean anyWanted(long nowNanos) {
    wanting.values().removeIf(at -> nowNanos - at > expiryNanos);
    return !wanting.isEmpty();
  }
}
