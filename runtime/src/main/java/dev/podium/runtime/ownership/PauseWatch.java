package dev.podium.runtime.ownership;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Notices that this process stood still (a long GC, SIGSTOP, a frozen VM): a clock that should tick
 * every few milliseconds finds a gap longer than the limit. From then on the watch stays asleep
 * until its owner has re-learnt who owns what and calls {@link #resume}, because the cluster may
 * have given its keys away meanwhile. {@link #stint} is asked before and after every write: a write
 * that runs right after the wake-up, before the late tick, is refused because the last tick is old;
 * one that runs after the late tick is refused because the tick put the watch to sleep; and a write
 * that was on its way while the process stood still is refused when its result comes back, because
 * the stint it began in is over (its compare-and-set may have run against this member's stale copy
 * of the map, which still accepts it: see {@link FencedStore}).
 *
 * <p>The state is one immutable snapshot: the reader sees the late tick and the sleep it causes
 * together or neither. (With two separate fields a reader could read "not asleep", then the late
 * tick's new time, and find the process awake right after a pause.) Ticked from one thread, resumed
 * and asked from others.
 */
public final class PauseWatch {
  private final long limitNanos;
  private final AtomicReference<State> state;

  /**
   * @param lastTick when the watch last ticked
   * @param asleep since a pause, until {@link #resume}
   * @param pauses how many pauses were noticed: a stint of wakefulness is numbered by the pauses
   *     before it
   */
  private record State(long lastTick, boolean asleep, long pauses) {}

  public PauseWatch(long limitNanos, long nowNanos) {
    this.limitNanos = limitNanos;
    this.state = new AtomicReference<>(new State(nowNanos, false, 0));
  }

  /**
   * Records a tick; returns how long the process stood still (nanoseconds) if that was too long,
   * else 0. A long gap puts the watch to sleep in the same step as the tick counts.
   */
  public long tick(long nowNanos) {
    long[] gap = new long[1];
    state.updateAndGet(
        s -> {
          gap[0] = nowNanos - s.lastTick;
          return gap[0] > limitNanos
              ? new State(nowNanos, true, s.pauses + 1)
              : new State(nowNanos, s.asleep, s.pauses);
        });
    return gap[0] > limitNanos ? gap[0] : 0;
  }

  /**
   * Whether this process may write: not asleep since a pause, and the last tick recent enough that
   * no pause began since.
   */
  public boolean awake(long nowNanos) {
    return stint(nowNanos) >= 0;
  }

  /**
   * The number of the stint this process has been awake in without a pause, or -1 while it must not
   * write. A write that began in stint n counts only if it is still stint n when its result
   * arrives.
   */
  public long stint(long nowNanos) {
    State s = state.get();
    return !s.asleep && nowNanos - s.lastTick <= limitNanos ? s.pauses : -1;
  }

  /** Ends the sleep after a pause: the owner knows again where it stands. */
  public void resume() {
    state.updateAndGet(s -> new State(s.lastTick, false, s.pauses));
  }
}
