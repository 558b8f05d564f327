package dev.podium.deploy;

import dev.podium.deploy.TestSocket.Binary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What today's listener page makes of the binary messages it receives: it plays each one as 48 kHz
 * mono s16le from the moment it arrives, with no playout buffer. So a message that arrives while
 * the previous one still plays is heard on top of it, and a message that comes late leaves silence.
 * Built from the arrival times a real WebSocket client recorded.
 *
 * @param soundFraction share of the time from the first arrival to the end of the last message in
 *     which something plays
 * @param overlapNanos time in which two messages or more play at once
 * @param wallNanos from the first arrival to the end of the last message
 * @param gapsNanos time between consecutive arrivals, sorted
 */
record TodaysListenerPage(
    double soundFraction, long overlapNanos, long wallNanos, long[] gapsNanos) {
  static final int RATE = 48_000;

  static TodaysListenerPage play(List<Binary> messages) {
    if (messages.isEmpty()) {
      return new TodaysListenerPage(0, 0, 0, new long[0]);
    }
    long first = messages.get(0).receivedAt();
    long end = first;
    long sound = 0;
    long overlap = 0;
    List<Long> gaps = new ArrayList<>();
    long previous = -1;
    for (Binary m : messages) {
      long start = m.receivedAt();
      long stop = start + m.data().length() / 2 * 1_000_000_000L / RATE;
      sound += Math.max(0, stop - Math.max(start, end));
      overlap += Math.max(0, Math.min(stop, end) - start);
      end = Math.max(end, stop);
      if (previous >= 0) {
        gaps.add(start - previous);
      }
      previous = start;
    }
    long[] sorted = gaps.stream().mapToLong(Long::longValue).sorted().toArray();
    return new TodaysListenerPage((double) sound / (end - first), overlap, end - first, sorted);
  }

  /** Share of the gaps between arrivals within {@code toleranceNanos} of {@code periodNanos}. */
  double gapsWithin(long periodNanos, long toleranceNanos) {
    if (gapsNanos.length == 0) {
      return 0;
    }
    long ok =
        Arrays.stream(gapsNanos).filter(g -> Math.abs(g - periodNanos) <= toleranceNanos).count();
    return (double) ok / gapsNanos.length;
  }

  long gapPercentile(double p) {
    return gapsNanos[(int) Math.min(gapsNanos.length - 1, Math.floor(p * gapsNanos.length))];
  }

  @Override
  public String toString() {
    return String.format(
        "sound %.2f %% of %.2f s, %.1f ms overlapped; gaps min %.2f, p1 %.2f, p50 %.2f, p99 %.2f,"
            + " max %.2f ms; %.2f %% within 20 ± 5 ms",
        100 * soundFraction,
        wallNanos / 1e9,
        overlapNanos / 1e6,
        gapsNanos[0] / 1e6,
        gapPercentile(0.01) / 1e6,
        gapPercentile(0.5) / 1e6,
        gapPercentile(0.99) / 1e6,
        gapsNanos[gapsNanos.length - 1] / 1e6,
        100 * gapsWithin(20_000_000L, 5_000_000L));
  }
}
