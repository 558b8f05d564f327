package dev.podium.runtime.rates;

/**
 * The rule of one key's rate window: at most {@code limit} accepted in any {@value #WINDOW_MILLIS}
 * ms. The state is the times of the accepted ones still inside the window; only accepted ones
 * count, so a sender who is refused is not punished longer. Pure: the same rule runs in this
 * process ({@link LocalRateWindows}) and on the cluster member that owns the key ({@link
 * WindowSlot}).
 */
public final class SlidingWindow {
  public static final long WINDOW_MILLIS = 1000;
  private static final long[] EMPTY = new long[0];

  private SlidingWindow() {}

  /**
   * The state after accepting one more at {@code nowMillis}, or null when that would exceed {@code
   * limit} (the state is then unchanged). Times from the future (a clock that stepped back, or a
   * key that moved to a member whose clock is behind) are forgotten: that only ever lets a sender
   * through, never refuses one longer.
   */
  public static long[] admit(long[] acceptedAt, int limit, long nowMillis) {
    long[] before = acceptedAt == null ? EMPTY : acceptedAt;
    long[] kept = new long[before.length + 1];
    int n = 0;
    for (long at : before) {
      long age = nowMillis - at;
      if (age >= 0 && age < WINDOW_MILLIS) {
        kept[n++] = at;
      }
    }
    if (n >= limit) {
      return null;
    }
    kept[n++] = nowMillis;
    return n == kept.length ? kept : java.util.Arrays.copyOf(kept, n);
  }

  /**
   * True when nothing in {@code acceptedAt} counts any more at {@code nowMillis}: the key can be
   * forgotten.
   */
  public static boolean idle(long[] acceptedAt, long nowMillis) {
    for (long at : acceptedAt) {
      long age = nowMillis - at;
      if (age >= 0 && age < WINDOW_MILLIS) {
        return false;
      }
    }
    return true;
  }
}
