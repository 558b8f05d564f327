package dev.podium.gateway.edge;

import java.util.function.LongSupplier;

/**
 * At most so many log lines per second for things an attacker can repeat at will (refusals,
 * protocol violations): a flood must not turn into a logging flood. The lines left out are counted
 * and reported with the next one allowed. Shared by the gateway's event loops: synchronized.
 */
public final class LogBudget {
  private static final long SECOND = 1_000_000_000L;

  private final int perSecond;
  private final LongSupplier clock;
  private long windowStart;
  private int used;
  private long suppressed;

  public LogBudget(int perSecond, LongSupplier nanoClock) {
    this.perSecond = perSecond;
    this.clock = nanoClock;
    this.windowStart = nanoClock.getAsLong();
  }

  /**
   * -1 when this line must be left out; otherwise how many were left out before it (and the count
   * restarts).
   */
  public synchronized long take() {
    long now = clock.getAsLong();
    if (now - windowStart >= SECOND) {
      windowStart = now;
      used = 0;
    }
    if (used >= perSecond) {
      suppressed++;
      return -1;
    }
    used++;
    long before = suppressed;
    suppressed = 0;
    return before;
  }
}
