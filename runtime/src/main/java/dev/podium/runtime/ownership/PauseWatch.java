package dev.podium.runtime.ownership;

/**
 * Notices that this process stood still (a long GC, SIGSTOP, a frozen VM): a clock that should
 * tick every few milliseconds finds a gap longer than the limit. From then on the watch stays
 * asleep until its owner has re-learnt who owns what and calls {@link #resume}, because the cluster
 * may have given its keys away meanwhile. {@link #awake} is asked before every write: a write that
 * runs right after the wake-up, before the late tick, is refused because the last tick is old; one
 * that runs after the late tick is refused because the tick put the watch to sleep. (An earlier
 * version counted the late tick as "awake again", and an overdue timer that ran between that tick
 * and the step-down could still write.) Plain state, no timers; ticked from one thread, asked from
 * others.
 */
public final class PauseWatch {
  private final long limitNanos;
  private volatile long lastTick;
  private volatile boolean asleep;

  public PauseWatch(long limitNanos, long nowNanos) {
    this.limitNanos = limitNanos;
    this.lastTick = nowNanos;
  }

  /**
   * Records a tick; returns how long the process stood still (nanoseconds) if that was too long,
   * else 0. A long gap puts the watch to sleep before the tick counts, so a reader that sees the
   * new tick also sees the sleep.
   */
  public long tick(long nowNanos) {
    long gap = nowNanos - lastTick;
    if (gap > limitNanos) {
      asleep = true;
    }
    lastTick = nowNanos;
    return gap > limitNanos ? gap : 0;
  }

  /** Whether this process may write: not asleep since a pause, and the last tick recent enough that no pause began since. */
  public boolean awake(long nowNanos) {
    return !asleep && nowNanos - lastTick <= limitNanos;
  }

  /** Ends the sleep after a pause: the owner knows again where it stands. */
  public void resume() {
    asleep = false;
  }
}
