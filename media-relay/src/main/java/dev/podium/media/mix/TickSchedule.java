package dev.podium.media.mix;

import java.util.function.LongSupplier;

/**
 * Drift-free tick deadlines: tick {@code k} is due at {@code start + k * period} on a monotonic
 * clock, so a late timer never pushes later ticks back. When the schedule has fallen far behind (a
 * long pause) it skips ahead instead of firing a burst. {@link #reanchor} moves the whole grid so
 * that the next tick is due at a chosen time (the mixer does this when audio arrives while it is
 * idle, and earlier while it plays to shed extra delay); from there on the deadlines are again
 * {@code start + k * period}. A re-anchor into the past makes the next ticks due at once (catch-up
 * ticks), up to the same limit of {@value #MAX_CATCH_UP_TICKS} periods behind.
 */
public final class TickSchedule {
  /** Ticks run back to back at most after a stall; beyond that the schedule skips ahead. */
  public static final int MAX_CATCH_UP_TICKS = 5;

  private final LongSupplier nanoClock;
  private final long periodNanos;
  private long start;
  private long next;

  public TickSchedule(LongSupplier nanoClock, long periodNanos) {
    this.nanoClock = nanoClock;
    this.periodNanos = periodNanos;
    this.start = nanoClock.getAsLong();
    this.next = 1;
  }

  /** Index of the tick to run now, advancing the schedule (skips ahead after a long stall). */
  public long advance() {
    long now = nanoClock.getAsLong();
    long behind = (now - deadline(next)) / periodNanos;
    if (behind > MAX_CATCH_UP_TICKS) {
      next += behind;
    }
    return next++;
  }

  /**
   * Milliseconds until the next tick is due (0 when it is already due), rounded up: a timer set for
   * this long never fires before the deadline.
   */
  public long delayMillis() {
    long wait = deadline(next) - nanoClock.getAsLong();
    return wait <= 0 ? 0 : (wait + 999_999) / 1_000_000;
  }

  public long deadline(long tick) {
    return start + tick * periodNanos;
  }

  /** When the next tick (the one {@link #advance} returns next) is due. */
  public long nextDeadline() {
    return deadline(next);
  }

  /**
   * Moves the grid so that the next tick is due at {@code dueNanos}; later ticks follow every
   * period. When {@code dueNanos} is already past, the next ticks are due at once.
   */
  public void reanchor(long dueNanos) {
    start = dueNanos - next * periodNanos;
  }
}
