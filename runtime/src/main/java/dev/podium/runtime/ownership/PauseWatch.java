package dev.podium.runtime.ownership;

/**
 * Notices that this process stood still (a long GC, SIGSTOP, a frozen VM): a clock that should
 * tick every few milliseconds finds a gap longer than the limit. Until the owner of this watch has
 * re-learnt who owns what, it must not write, because the cluster may have given its keys away
 * meanwhile. Also answers "did a tick happen recently?" before every write, so a write that runs
 * right after the wake-up, before the late tick itself, is refused too. Plain state, no timers;
 * safe to tick from one thread and ask from others.
 */
public final class PauseWatch {
  private final long limitNanos;
  private volatile long lastTick;

  public PauseWatch(long limitNanos, long nowNanos) {
    this.limitNanos = limitNanos;
    this.lastTick = nowNanos;
  }

  /** Records a tick; returns how long the process stood still (nanoseconds) if that was too long, else 0. */
  public long tick(long nowNanos) {
    long gap = nowNanos - lastTick;
    lastTick = nowNanos;
    return gap > limitNanos ? gap : 0;
  }

  /** Whether the last tick is recent enough that this process cannot have been paused since. */
  public boolean awake(long nowNanos) {
    return nowNanos - lastTick <= limitNanos;
  }
}
