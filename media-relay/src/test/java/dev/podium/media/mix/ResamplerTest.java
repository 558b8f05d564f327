package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResamplerTest {
  private static short[] sine(double frequency, int rate, int samples, double amplitude) {
    short[] s = new short[samples];
    for (int i = 0; i < samples; i++) {
      s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
    }
    return s;
  }

  /** The largest difference from the ideal sine at the output rate, past the filter's start-up. */
  private static double worstError(
      short[] out, double frequency, int rate, double amplitude, int skip) {
    double worst = 0;
    for (int j = skip; j < out.length; j++) {
      double ideal = amplitude * Math.sin(2 * Math.PI * frequency * j / rate);
      worst = Math.max(worst, Math.abs(out[j] - ideal));
    }
    return worst;
  }

  @Test
  void a44100HzToneComesOutAsTheSameToneAt48000Hz() {
    for (double f : new double[] {100, 440, 1000, 3400, 8000}) {
      short[] in = sine(f, 44_100, 44_100, 10_000);
      short[] out = new Resampler(44_100, 48_000).push(in, 0, in.length);
      // one second in, one second out (less the filter's look-ahead)
      assertTrue(Math.abs(out.length - 48_000) <= 20, "output samples " + out.length);
      // within 0.1 % of the amplitude (-60 dB), rounding included
      double error = worstError(out, f, 48_000, 10_000, 20);
      assertTrue(error < 10, f + " Hz: worst error " + error);
    }
  }

  @Test
  void everyRatePairKeepsAVoiceToneClean() {
    int[] rates = {8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 96_000};
    for (int in : rates) {
      for (int outRate : new int[] {8_000, 16_000, 48_000}) {
        if (in == outRate) {
          continue;
        }
        double f = 300; // below every Nyquist frequency of the list
        short[] input = sine(f, in, in / 2, 10_000);
        short[] out = new Resampler(in, outRate).push(input, 0, input.length);
        // the filter looks HALF_TAPS samples ahead at the lower rate: that many outputs are still
        // to come,
        // and as many at the start saw the silence before the stream
        int lookAhead =
            (int) Math.ceil(Resampler.HALF_TAPS * Math.max(1.0, (double) outRate / in)) + 2;
        assertTrue(
            Math.abs(out.length - outRate / 2) <= lookAhead,
            in + " -> " + outRate + ": " + out.length);
        double error = worstError(out, f, outRate, 10_000, lookAhead);
        assertTrue(error < 10, in + " -> " + outRate + ": worst error " + error);
      }
    }
  }

  @Test
  void downsamplingRemovesWhatTheLowerRateCannotCarry() {
    // 6 kHz at 48 kHz is above the 4 kHz Nyquist frequency of 8 kHz: it must not come back aliased
    // as 2 kHz
    short[] in = sine(6_000, 48_000, 48_000, 10_000);
    short[] out = new Resampler(48_000, 8_000).push(in, 0, in.length);
    double rms = 0;
    for (int j = 100; j < out.length; j++) {
      rms += (double) out[j] * out[j];
    }
    rms = Math.sqrt(rms / (out.length - 100));
    assertTrue(rms < 10, "what is left of the 6 kHz tone: rms " + rms);
  }

  /**
   * The state kept between chunks makes chunk boundaries invisible: the same output, sample for
   * sample.
   */
  @Test
  void theOutputDoesNotDependOnHowTheInputIsCut() {
    Random random = new Random(3);
    short[] in = new short[44_100];
    for (int i = 0; i < in.length; i++) {
      in[i] = (short) (random.nextGaussian() * 4_000);
    }
    short[] whole = new Resampler(44_100, 48_000).push(in, 0, in.length);
    for (int chunk : new int[] {1, 7, 960, 4096, 4097}) {
      Resampler r = new Resampler(44_100, 48_000);
      short[] cut = new short[0];
      for (int off = 0; off < in.length; off += chunk) {
        short[] part = r.push(in, off, Math.min(chunk, in.length - off));
        short[] joined = Arrays.copyOf(cut, cut.length + part.length);
        System.arraycopy(part, 0, joined, cut.length, part.length);
        cut = joined;
      }
      assertArrayEquals(whole, cut, "chunks of " + chunk);
    }
  }

  @Test
  void outputCountFollowsTheRatioExactlyOverTime() {
    Resampler r = new Resampler(44_100, 48_000);
    long out = 0;
    short[] chunk = new short[4096];
    for (int k = 0; k < 1000; k++) {
      out += r.push(chunk, 0, chunk.length).length;
    }
    long expected = 4096L * 1000 * 48_000 / 44_100;
    // short of the exact count by the look-ahead only: no drift over 93 s
    assertTrue(
        expected - out >= 0 && expected - out <= Resampler.HALF_TAPS + 2,
        "out " + out + ", exact " + expected);
  }

  @Test
  void fullScaleInputClipsInsteadOfWrapping() {
    short[] square = new short[4800];
    for (int i = 0; i < square.length; i++) {
      square[i] = (i / 50) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
    }
    short[] out = new Resampler(44_100, 48_000).push(square, 0, square.length);
    // a square wave rings past full scale: it must clip at the rails, never wrap to the other sign
    for (int j = 30; j < out.length - 30; j++) {
      int period = j * 44_100 / 48_000 / 50;
      int expectedSign = period % 2 == 0 ? 1 : -1;
      int position = (j * 44_100 / 48_000) % 50;
      if (position > 5 && position < 45) {
        assertEquals(expectedSign, Integer.signum(out[j]), "sample " + j);
      }
    }
  }
}
