package dev.podium.media.mix;

import dev.podium.api.media.InputRates;

/**
 * Finds the sample rate of a speaker who does not declare one, from how fast its samples arrive: a
 * sender that streams in real time delivers its rate's worth of samples per second, whatever its
 * chunking. Today's host page sends 4096-sample chunks at its AudioContext's rate, which is the
 * machine's (44.1 kHz on many, 48 kHz on others), and never says which.
 *
 * <p>The samples that arrive after the first chunk of a window, over the time from that chunk to
 * the latest, estimate the rate. A window is judged once it spans {@link #FIRST_WINDOW_NANOS} (until
 * a rate is known, then {@link #WINDOW_NANOS}): if the estimate is within {@link #TOLERANCE} of one
 * of {@link InputRates#COMMON}, that rate is the window's verdict and a new window starts; if not,
 * the window grows (its estimate gets more precise as it does) up to {@link #MAX_WINDOW_NANOS}, then
 * starts again. The rate in use changes only when two windows in a row give the same verdict, so a
 * burst at the start of a stream or one stall cannot switch it. A gap of {@link #PAUSE_NANOS}
 * without audio (a pause, a mute) starts a new window, as the silence says nothing about the rate.
 * Until then the rate in use is the one given at construction (the room's, or what the speaker was
 * last found to use). The state is a handful of numbers, whatever the stream's length.
 */
public final class RateEstimator {
  static final long FIRST_WINDOW_NANOS = 500_000_000L;
  static final long WINDOW_NANOS = 2_000_000_000L;
  static final long MAX_WINDOW_NANOS = 8_000_000_000L;
  /** Longer than any sane chunk (16384 samples at 11 kHz is 1.5 s), far shorter than a pause in speech. */
  static final long PAUSE_NANOS = 2_000_000_000L;
  /** 44.1 and 48 kHz (and each neighbouring pair of the list) are at least 8.8 % apart. */
  static final double TOLERANCE = 0.02;

  private int rate;
  private boolean found;
  /** The last window's verdict, waiting for the next window to confirm it; 0 when none. */
  private int candidate;
  private long windowStart;
  private long windowSamples;
  private long lastArrival;
  private boolean started;

  /** @param assumed the rate to use until the stream shows another */
  public RateEstimator(int assumed) {
    this.rate = assumed;
  }

  /** The rate in use. */
  public int rate() {
    return rate;
  }

  /** Whether the rate in use was found from the stream (not merely assumed). */
  public boolean found() {
    return found;
  }

  /** A chunk of {@code samples} samples arriving at {@code nowNanos}; returns the rate in use. */
  public int observe(long nowNanos, int samples) {
    if (!started || nowNanos - lastArrival > PAUSE_NANOS) {
      started = true;
      candidate = 0;
      restart(nowNanos);
      return rate;
    }
    lastArrival = nowNanos;
    windowSamples += samples;
    long elapsed = nowNanos - windowStart;
    if (elapsed < (found ? WINDOW_NANOS : FIRST_WINDOW_NANOS)) {
      return rate;
    }
    double estimate = windowSamples * 1e9 / elapsed;
    int nearest = nearest(estimate);
    if (Math.abs(estimate / nearest - 1) > TOLERANCE) {
      if (elapsed >= MAX_WINDOW_NANOS) {
        candidate = 0;
        restart(nowNanos);
      }
      return rate;
    }
    restart(nowNanos);
    if (nearest == candidate) {
      rate = nearest;
      found = true;
      candidate = 0;
    } else if (found && nearest == rate) {
      candidate = 0;
    } else {
      candidate = nearest;
    }
    return rate;
  }

  private void restart(long nowNanos) {
    windowStart = nowNanos;
    lastArrival = nowNanos;
    windowSamples = 0;
  }

  /** The common rate closest to {@code estimate}, by ratio. */
  static int nearest(double estimate) {
    int best = InputRates.COMMON.get(0);
    double bestDistance = Double.MAX_VALUE;
    for (int r : InputRates.COMMON) {
      double distance = Math.abs(Math.log(estimate / r));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = r;
      }
    }
    return best;
  }
}
