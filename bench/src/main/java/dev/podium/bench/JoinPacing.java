package dev.podium.bench;

/**
 * When the i-th of a series of joins (or any paced operation) is due: evenly spaced at a rate, on
 * deadlines computed from the start, so that a late one never delays the ones after it.
 */
final class JoinPacing {
  private static final long MS = 1_000_000L;

  private JoinPacing() {}

  /**
   * The ramp, in ms, over which {@code count} joins at {@code perSecond} are spread: count / rate.
   */
  static long rampMs(int count, double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive: " + perSecond);
    }
    return Math.round(count * 1000.0 / perSecond);
  }

  /**
   * The deadline of join {@code i} of {@code count} spread evenly over {@code rampMs} from {@code
   * startNanos}.
   */
  static long dueOverRamp(long startNanos, int i, int count, long rampMs) {
    return count == 0 ? startNanos : startNanos + rampMs * MS * i / count;
  }

  /** The deadline of operation {@code i} at {@code perSecond} from {@code startNanos}. */
  static long dueAtRate(long startNanos, long i, double perSecond) {
    return startNanos + Math.round(i * 1e9 / perSecond);
  }

  /**
   * The send offset of room {@code room} of {@code rooms} within one packet period: rooms are
   * spread evenly over the period so that R hosts do not all send in the same instant (real rooms
   * are not in phase).
   */
  static long roomPhaseNanos(int room, int rooms, long periodNanos) {
    return rooms <= 1 ? 0 : periodNanos * room / rooms;
  }
}
