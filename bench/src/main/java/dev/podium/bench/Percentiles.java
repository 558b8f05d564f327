package dev.podium.bench;

import java.util.Arrays;

/** Nearest-rank percentiles and medians over plain arrays. */
public final class Percentiles {
  private Percentiles() {}

  /**
   * The nearest-rank {@code p}-th percentile (0 &lt; p &le; 100) of values already sorted
   * ascending: the smallest value such that at least p % of the values are at or below it. -1 when
   * empty.
   */
  public static long ofSorted(long[] sorted, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /** Sorts a copy and returns its nearest-rank percentile. */
  public static long of(long[] values, double p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return ofSorted(sorted, p);
  }

  /** The median (mean of the two middle values for an even count); NaN when empty. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
