package dev.podium.media.mix;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts one speaker's samples from its rate to the room's, a chunk at a time, with a polyphase
 * windowed-sinc filter: output sample {@code j} lies at input position {@code j × in / out}
 * (exactly: the ratio is kept as a reduced fraction {@code down / up}), and is the sum of the
 * {@link #HALF_TAPS} input samples on each side weighted by a Kaiser-windowed sinc whose cutoff is
 * 90 % of the lower of the two Nyquist frequencies. The filter's taps for each of the {@code up}
 * fractional positions are computed once per pair of rates and shared by every resampler.
 *
 * <p>The state kept between chunks is the last {@code 2 × HALF_TAPS − 1} input samples and the
 * position of the next output, so a chunk boundary is invisible: the output is the same, sample for
 * sample, however the input is cut. The price is a delay of {@link #HALF_TAPS} input samples (0.36
 * ms at 44.1 kHz) before an output sample can be computed.
 */
public final class Resampler {
  /** Input samples on each side of an output position (at the lower rate when downsampling). */
  static final int HALF_TAPS = 16;

  /** Kaiser window shape: about 80 dB of stopband attenuation. */
  private static final double KAISER_BETA = 8.0;

  /** Cutoff, as a fraction of the lower rate's Nyquist frequency: voice lives far below it. */
  private static final double PASSBAND = 0.9;

  /** One kernel per pair of rates (a few dozen at most: the rates come from a fixed list). */
  private static final Map<Long, Kernel> KERNELS = new ConcurrentHashMap<>();

  /**
   * Taps for each fractional position: {@code taps[phase * width + t]} weighs input sample {@code n
   * − half + 1 + t} for an output at input position {@code n + phase / up}.
   */
  private record Kernel(int up, int down, int half, float[] taps) {
    int width() {
      return 2 * half;
    }
  }

  private final int inRate;
  private final int outRate;
  private final Kernel kernel;

  /** The last {@code width − 1} input samples, oldest first (zeros before the stream began). */
  private final float[] history;

  /** Input samples received in all. */
  private long received;

  /** Integer part and fractional phase (in units of 1 / up) of the next output's input position. */
  private long nextIndex;

  private int nextPhase;

  public Resampler(int inRate, int outRate) {
    if (inRate <= 0 || outRate <= 0) {
      throw new IllegalArgumentException("rates must be positive: " + inRate + " -> " + outRate);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    this.kernel =
        KERNELS.computeIfAbsent(((long) inRate << 32) | outRate, k -> kernel(inRate, outRate));
    this.history = new float[kernel.width() - 1];
  }

  public int inRate() {
    return inRate;
  }

  public int outRate() {
    return outRate;
  }

  /** Resamples the next run of input; returns the output samples it completes (possibly none). */
  public short[] push(short[] input, int offset, int count) {
    int width = kernel.width();
    int keep = history.length;
    // work[w] is input sample (received - keep + w)
    float[] work = new float[keep + count];
    System.arraycopy(history, 0, work, 0, keep);
    for (int i = 0; i < count; i++) {
      work[keep + i] = input[offset + i];
    }
    long base = received - keep;
    long total = received + count;
    int up = kernel.up();
    int down = kernel.down();
    int half = kernel.half();
    float[] taps = kernel.taps();
    short[] out = new short[(int) ((long) count * up / down) + 2];
    int produced = 0;
    // An output needs the input up to half samples past its position.
    while (nextIndex + half <= total - 1) {
      int first = (int) (nextIndex - half + 1 - base);
      int row = nextPhase * width;
      double sum = 0;
      for (int t = 0; t < width; t++) {
        sum += taps[row + t] * work[first + t];
      }
      if (produced == out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      out[produced++] = clamp(sum);
      nextPhase += down;
      nextIndex += nextPhase / up;
      nextPhase %= up;
    }
    System.arraycopy(work, work.length - keep, history, 0, keep);
    received = total;
    return produced == out.length ? out : Arrays.copyOf(out, produced);
  }

  private static short clamp(double v) {
    long r = Math.round(v);
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
  }

  private static Kernel kernel(int inRate, int outRate) {
    int g = gcd(inRate, outRate);
    int up = outRate / g;
    int down = inRate / g;
    // Cutoff as a fraction of the input's Nyquist frequency; downsampling must cut below the
    // output's.
    double scale = Math.min(1.0, (double) outRate / inRate);
    double cutoff = PASSBAND * scale;
    int half = (int) Math.ceil(HALF_TAPS / scale);
    int width = 2 * half;
    float[] taps = new float[up * width];
    double norm = besselI0(KAISER_BETA);
    for (int phase = 0; phase < up; phase++) {
      double[] row = new double[width];
      double sum = 0;
      for (int t = 0; t < width; t++) {
        // distance, in input samples, from the output position to input sample n - half + 1 + t
        double d = (t - half + 1) - (double) phase / up;
        double x = d / half;
        double window = Math.abs(x) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - x * x)) / norm;
        row[t] = cutoff * sinc(cutoff * d) * window;
        sum += row[t];
      }
      // Unity gain at DC for every phase, so the phases do not modulate the level.
      for (int t = 0; t < width; t++) {
        taps[phase * width + t] = (float) (row[t] / sum);
      }
    }
    return new Kernel(up, down, half, taps);
  }

  private static double sinc(double x) {
    return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  }

  /**
   * Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20).
   */
  private static double besselI0(double x) {
    double sum = 1;
    double term = 1;
    double q = x * x / 4;
    for (int k = 1; k < 50; k++) {
      term *= q / ((double) k * k);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
