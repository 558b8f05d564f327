package dev.podium.media.mix;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether any gateway node wants an event's room mix, and whether in Opus. Gateways announce {@code
 * {node_id, mix, opus}} when their demand changes and again every second while they want the mix; a
 * node that has been silent for longer than the expiry (a dead gateway, a lost message) no longer
 * counts. A relay that just took the event over has heard nobody yet, so for {@link #GRACE_NANOS}
 * after it starts it assumes the mix is wanted: the listeners of a moved event keep hearing it
 * while their gateways' next announcements arrive. An announcement without a {@code mix} field (a
 * gateway from before mix demand existed) counts as wanting the mix.
 */
public final class MixDemand {
  /** How long a node's announcement counts without being repeated. */
  public static final long EXPIRY_NANOS = 3_000_000_000L;

  /** How long a fresh owner assumes demand: longer than the gateways' 1 s repeat. */
  public static final long GRACE_NANOS = 1_500_000_000L;

  private record Wanted(long at, boolean opus) {}

  /** Node id to its last announcement that wanted the mix; one that does not removes the node. */
  private final Map<String, Wanted> wanting = new HashMap<>();

  private final long expiryNanos;
  private final long graceUntil;

  public MixDemand(long startNanos) {
    this(startNanos, EXPIRY_NANOS, GRACE_NANOS);
  }

  public MixDemand(long startNanos, long expiryNanos, long graceNanos) {
    this.expiryNanos = expiryNanos;
    this.graceUntil = startNanos + graceNanos;
  }

  /** Records a node's announcement. */
  public void announced(String nodeId, boolean mix, boolean opus, long nowNanos) {
    if (nodeId == null) {
      return;
    }
    if (mix) {
      wanting.put(nodeId, new Wanted(nowNanos, opus));
    } else {
      wanting.remove(nodeId);
    }
  }

  /** True if some node wants the mix, or this owner is still in its first moments. */
  public boolean mixWanted(long nowNanos) {
    expire(nowNanos);
    return !wanting.isEmpty() || nowNanos - graceUntil < 0;
  }

  /**
   * True if some node that wants the mix wants it in Opus (no grace: Opus is asked for explicitly).
   */
  public boolean opusWanted(long nowNanos) {
    expire(nowNanos);
    for (Wanted w : wanting.values()) {
      if (w.opus()) {
        return true;
      }
    }
    return false;
  }

  private void expire(long nowNanos) {
    wanting.values().removeIf(w -> nowNanos - w.at() > expiryNanos);
  }
}
