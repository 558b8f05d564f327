package dev.podium.media.mix;

import dev.podium.api.media.InputRates;

/**
 * Finds the sample rate of a speaker who does not declare one, from how fast its samples arrive: a
 * sender that streams in real time delivers its rate's worth of samples per second, whatever its
 * chunking. Today's host page sends 4096-sample chunks at its AudioContext's rate, which is the
 * machine's (44.1 kHz on many, 48 kHz on others), and never says which.
 *
 * <p>A chunk's arrival is the time its last sample was captured plus the path's delay, and that
 * delay is never below some floor: the chunks that arrived with the least delay lie on a line whose
 * slope is the rate. So a window's estimate is the slope between the least-delayed chunk of its
 * first half and the least-delayed chunk of its second half (least delayed: the earliest arrival
 * for the samples it completes). A stall shorter than half a window (375 ms at first, 1 s later)
 * leaves an on-time chunk in each half. Counting samples over time instead misjudged the rate by
 * however long the path stalled inside the window: a loaded relay or gateway delivers chunks late
 * and then in a burst, and a 48 kHz host was taken for 44.1 kHz and resampled into garble. A window
 * is judged once it spans {@link #FIRST_WINDOW_NANOS} (until a rate is known, then {@link
 * #WINDOW_NANOS}): if the estimate is within {@link #TOLERANCE} of one of {@link
 * InputRates#COMMON}, that rate is the window's verdict and a new window starts; if not, the window
 * grows (its estimate gets more precise as it does) up to {@link #MAX_WINDOW_NANOS}, then starts
 * again. The rate in use changes only when two windows in a row give the same verdict. A gap of
 * {@link #PAUSE_NANOS} without audio (a pause, a mute) starts a new window, as the silence says
 * nothing about the rate. Until then the rate in use is the one given at construction (the room's,
 * or what the speaker was last found to use). The state is bounded: the second half's chunks, at
 * most {@link #MAX_BLOCK_CHUNKS} of them.
 */
public final class RateEstimator {
  static final long FIRST_WINDOW_NANOS = 750_000_000L;
  static final long WINDOW_NANOS = 2_000_000_000L;
  static final long MAX_WINDOW_NANOS = 8_000_000_000L;

  /** Chunks of a window's second half kept (a sender of tiny chunks keeps only the latest). */
  static final int MAX_BLOCK_CHUNKS = 512;

  /**
   * Longer than any sane chunk (16384 samples at 11 kHz is 1.5 s), far shorter than a pause in
   * speech.
   */
  static final long PAUSE_NANOS = 2_000_000_000L;

  /** 44.1 and 48 kHz (and each neighbouring pair of the list) are at least 8.8 % apart. */
  static final double TOLERANCE = 0.02;

  private int rate;
  private boolean found;

  /** The last window's verdict, waiting for the next window to confirm it; 0 when none. */
  private int candidate;

  private long windowStart;
  private long lastArrival;
  private boolean started;

  /** Samples received since the stream (re)started, up to and including the latest chunk. */
  private long samples;

  /** The least-delayed chunk of the window's first half: its arrival and samples up to it. */
  private long firstAt;

  private long firstSamples;

  /** The latest half window's chunks (arrival, samples up to it), oldest first, in a ring. */
  private final long[] blockAt = new long[MAX_BLOCK_CHUNKS];

  private final long[] blockSamples = new long[MAX_BLOCK_CHUNKS];
  private int blockHead;
  private int blockSize;

  /**
   * @param assumed the rate to use until the stream shows another
   */
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
  public int observe(long nowNanos, int chunkSamples) {
    if (!started || nowNanos - lastArrival > PAUSE_NANOS) {
      started = true;
      candidate = 0;
      samples = 0;
    }
    samples += chunkSamples;
    if (samples == chunkSamples) {
      // The first chunk of the stream, or after a pause: the window starts with it.
      restart(nowNanos);
      return rate;
    }
    lastArrival = nowNanos;
    remember(nowNanos);
    long elapsed = nowNanos - windowStart;
    if (elapsed < half()) {
      if (lessDelayed(nowNanos, samples, firstAt, firstSamples)) {
        firstAt = nowNanos;
        firstSamples = samples;
      }
    }
    if (elapsed < (found ? WINDOW_NANOS : FIRST_WINDOW_NANOS)) {
      return rate;
    }
    double estimate = slope();
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

  /** The slope, in samples per second, from the first half's least-delayed chunk to the last's. */
  private double slope() {
    long lastAt = 0;
    long lastSamples = 0;
    boolean any = false;
    for (int i = 0; i < blockSize; i++) {
      int k = (blockHead + i) % MAX_BLOCK_CHUNKS;
      if (!any || lessDelayed(blockAt[k], blockSamples[k], lastAt, lastSamples)) {
        lastAt = blockAt[k];
        lastSamples = blockSamples[k];
        any = true;
      }
    }
    if (!any || lastAt <= firstAt) {
      return 0;
    }
    return (lastSamples - firstSamples) * 1e9 / (lastAt - firstAt);
  }

  /**
   * Whether a chunk that completed {@code samples} at {@code at} came with less delay than one that
   * completed {@code otherSamples} at {@code otherAt}, judged at the rate in use (the choice within
   * half a window hardly depends on it).
   */
  private boolean lessDelayed(long at, long samples, long otherAt, long otherSamples) {
    double nanosPerSample = 1e9 / rate;
    return at - samples * nanosPerSample < otherAt - otherSamples * nanosPerSample;
  }

  /** Half the length of the window being judged. */
  private long half() {
    return (found ? WINDOW_NANOS : FIRST_WINDOW_NANOS) / 2;
  }

  /** Keeps this chunk as one of the second half's, forgetting those older than half a window. */
  private void remember(long at) {
    while (blockSize > 0 && at - blockAt[blockHead] > half()) {
      blockHead = (blockHead + 1) % MAX_BLOCK_CHUNKS;
      blockSize--;
    }
    if (blockSize == MAX_BLOCK_CHUNKS) {
      blockHead = (blockHead + 1) % MAX_BLOCK_CHUNKS;
      blockSize--;
    }
    int k = (blockHead + blockSize) % MAX_BLOCK_CHUNKS;
    blockAt[k] = at;
    blockSamples[k] = samples;
    blockSize++;
  }

  /** A new window starting with the chunk that arrived at {@code nowNanos}. */
  private void restart(long nowNanos) {
    windowStart = nowNanos;
    lastArrival = nowNanos;
    firstAt = nowNanos;
    firstSamples = samples;
    blockHead = 0;
    blockSize = 0;
    remember(nowNanos);
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
