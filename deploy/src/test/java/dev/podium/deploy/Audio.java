package dev.podium.deploy;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/** Test audio: sine chunks to send, and a Goertzel filter to find a tone in what was received. */
final class Audio {
  static final int RATE = 48_000;

  private Audio() {}

  /** A continuous sine, cut into chunks of {@code samples}: call {@link #next} for each chunk. */
  static final class Sine {
    private final double frequency;
    private final int amplitude;
    private final int rate;
    private long position;

    Sine(double frequency, int amplitude) {
      this(frequency, amplitude, RATE);
    }

    /** A sine sampled at {@code rate} (a sender whose audio is not at the room's rate). */
    Sine(double frequency, int amplitude, int rate) {
      this.frequency = frequency;
      this.amplitude = amplitude;
      this.rate = rate;
    }

    Buffer next(int samples) {
      Buffer out = Buffer.buffer(samples * 2);
      for (int i = 0; i < samples; i++) {
        short s =
            (short) Math.round(amplitude * Math.sin(2 * Math.PI * frequency * (position++) / rate));
        out.appendShortLE(s);
      }
      return out;
    }
  }

  static short[] samples(List<Buffer> chunks) {
    int total = chunks.stream().mapToInt(Buffer::length).sum() / 2;
    short[] out = new short[total];
    int i = 0;
    for (Buffer b : chunks) {
      for (int p = 0; p + 1 < b.length(); p += 2) {
        out[i++] = b.getShortLE(p);
      }
    }
    return out;
  }

  /** Amplitude of the component at {@code frequency} (Goertzel), in sample units. */
  static double amplitudeAt(short[] samples, double frequency) {
    int n = samples.length;
    if (n == 0) {
      return 0;
    }
    double w = 2 * Math.PI * frequency / RATE;
    double coeff = 2 * Math.cos(w);
    double s1 = 0;
    double s2 = 0;
    for (short x : samples) {
      double s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return 2 * Math.sqrt(Math.max(0, power)) / n;
  }
}
