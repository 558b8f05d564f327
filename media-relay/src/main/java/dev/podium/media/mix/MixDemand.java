package dev.podium.media.mix;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether any gateway node wants an event's room mix, and whether in Opus. Gateways announce {@code
 * {node_id, mix, opus}} when their demand changes and again every second while they want the mix; a
 * node that has been silent for longer than the expiry (a dead gateway, a lost message) no longer
 * counts. A relay that just took the event over has heard nobody yet, so it assumes the mix is
 * wanted (not Opus, which is asked for explicitly: a room of PCM listeners must not pay for an
 * encoder) until {@link #GRACE_NANOS} after the first announcement it hears (at most {@link
 * #MAX_GRACE_NANOS} after it starts): the listeners of a moved event keep hearing it while their
 * gateways' announcements find the new owner. They are published to the event's demand address,
 * whose consumer the new owner has only just registered, and the cluster takes a while to tell
 * every gateway of it: in the network-fault runs a moved event fell silent for 4-5 s when the grace
 * ran out 1.5 s after the move, before any announcement had arrived. An announcement without a
 * {@code mix} field (a gateway from before mix demand existed) counts as wanting the mix.
 */
public final class MixDemand {
  /** How long a node's announcement counts without being repeated. */
  public static final long EXPIRY_NANOS = 3_000_000_000L;

  /**
   * How long a fresh owner goes on assuming demand once it has heard a first announcement: longer
   * than the gateways' 1 s repeat, so every gateway that wants the mix has been heard by then.
   */
  public static final long GRACE_NANOS = 1_500_000_000L;

  /** How long a fresh owner that hears no announcement at all assumes demand. */
  public static final long MAX_GRACE_NANOS = 8_000_000_000L;

  /**
   * The same for the owner of an event that has just gone live (the relay heard it start): nobody
   * can have joined before, so no gateway's demand is on its way from an earlier owner; the grace
   * only covers a first listener's announcement sent before this owner's demand address was known
   * to its gateway (repeated after a second). The full {@link #MAX_GRACE_NANOS} made every new
   * event's relay publish its host's audio to nobody for 8 s: a host alone in its room is no
   * demand, so no gateway ever spoke to end the grace sooner.
   */
  public static final long NEW_EVENT_GRACE_NANOS = 2_500_000_000L;

  private record Wanted(long at, boolean opus) {}

  /** Node id to its last announcement that wanted the mix; one that does not removes the node. */
  private final Map<String, Wanted> wanting = new HashMap<>();

  private final long expiryNanos;
  private final long graceNanos;
  private long graceUntil;
  private boolean heardAny;

  /**
   * @param newEvent whether the event has just gone live, rather than moved to this owner or found
   *     by it later (a restart, a missed notice)
   */
  public MixDemand(long startNanos, boolean newEvent) {
    this(startNanos, EXPIRY_NANOS, GRACE_NANOS, newEvent ? NEW_EVENT_GRACE_NANOS : MAX_GRACE_NANOS);
  }

  public MixDemand(long startNanos, long expiryNanos, long graceNanos, long maxGraceNanos) {
    this.expiryNanos = expiryNanos;
    this.graceNanos = graceNanos;
    this.graceUntil = startNanos + maxGraceNanos;
  }

  /** Records a node's announcement. */
  public void announced(String nodeId, boolean mix, boolean opus, long nowNanos) {
    if (nodeId == null) {
      return;
    }
    if (!heardAny) {
      heardAny = true;
      if (nowNanos + graceNanos - graceUntil < 0) {
        graceUntil = nowNanos + graceNanos;
      }
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
