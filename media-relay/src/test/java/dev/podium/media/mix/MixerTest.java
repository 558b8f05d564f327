package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MixerTest {
  private static final int N = 960;

  private static short[] constant(int value) {
    short[] f = new short[N];
    java.util.Arrays.fill(f, (short) value);
    return f;
  }

  private static short[] random(long seed, int amplitude) {
    Random r = new Random(seed);
    short[] f = new short[N];
    for (int i = 0; i < N; i++) {
      f[i] = (short) (r.nextInt(2 * amplitude + 1) - amplitude);
    }
    return f;
  }

  /** A sine of whole periods in one frame (1 kHz at 48 kHz: 20 periods in 960 samples). */
  private static short[] sine(double amplitude) {
    short[] f = new short[N];
    for (int i = 0; i < N; i++) {
      f[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * 1000 * i / 48_000.0));
    }
    return f;
  }

  private static short clip(int v) {
    return (short) Math.max(-32768, Math.min(32767, v));
  }

  @Test
  void sumOfTwoFramesIsExact() {
    short[] a = random(1, 10_000);
    short[] b = random(2, 10_000);
    Map<String, short[]> frames = new LinkedHashMap<>();
    frames.put("a", a);
    frames.put("b", b);
    short[] room = Mixer.mix(frames, N).room();
    for (int i = 0; i < N; i++) {
      assertEquals(a[i] + b[i], room[i], "sample " + i);
    }
  }

  @Test
  void saturatesWithoutWrapAround() {
    Map<String, short[]> up = Map.of("a", constant(30_000), "b", constant(30_000));
    assertEquals(32767, Mixer.mix(up, N).room()[0]);
    Map<String, short[]> down = Map.of("a", constant(-30_000), "b", constant(-30_000));
    assertEquals(-32768, Mixer.mix(down, N).room()[0]);
    Map<String, short[]> extremes =
        Map.of("a", constant(32767), "b", constant(32767), "c", constant(32767));
    assertEquals(32767, Mixer.mix(extremes, N).room()[N - 1]);
    Map<String, short[]> lows =
        Map.of("a", constant(-32768), "b", constant(-32768), "c", constant(-1));
    assertEquals(-32768, Mixer.mix(lows, N).room()[N - 1]);
    // exactly at the limits: no clipping
    assertEquals(32767, Mixer.mix(Map.of("a", constant(32000), "b", constant(767)), N).room()[0]);
    assertEquals(
        -32768, Mixer.mix(Map.of("a", constant(-32000), "b", constant(-768)), N).room()[0]);
  }

  @Test
  void saturateHelper() {
    assertEquals(32767, Mixer.saturate(60_000));
    assertEquals(-32768, Mixer.saturate(-60_000));
    assertEquals(-5, Mixer.saturate(-5));
    assertEquals(32767, Mixer.saturate(32767));
    assertEquals(-32768, Mixer.saturate(-32768));
  }

  @Test
  void mixMinusOfEachSpeakerIsTheSumOfTheOthers() {
    Map<String, short[]> frames = new LinkedHashMap<>();
    frames.put("a", random(11, 20_000));
    frames.put("b", random(12, 20_000));
    frames.put("c", random(13, 20_000));
    frames.put("d", random(14, 20_000));
    Mixer.Mix mix = Mixer.mix(frames, N);
    assertEquals(frames.keySet(), mix.minus().keySet());
    for (String speaker : frames.keySet()) {
      short[] minus = mix.minus().get(speaker);
      for (int i = 0; i < N; i++) {
        int others = 0;
        for (Map.Entry<String, short[]> e : frames.entrySet()) {
          if (!e.getKey().equals(speaker)) {
            others += e.getValue()[i];
          }
        }
        assertEquals(clip(others), minus[i], speaker + " sample " + i);
      }
    }
    for (int i = 0; i < N; i++) {
      int all = 0;
      for (short[] f : frames.values()) {
        all += f[i];
      }
      assertEquals(clip(all), mix.room()[i]);
    }
  }

  @Test
  void mixMinusIsComputedFromTheUnclippedSum() {
    // room clips at 32767, but b's mix-minus is a alone (30000) and c's is a+b (saturated)
    Map<String, short[]> frames = new LinkedHashMap<>();
    frames.put("a", constant(30_000));
    frames.put("b", constant(30_000));
    frames.put("c", constant(-10_000));
    Mixer.Mix mix = Mixer.mix(frames, N);
    assertEquals(32767, mix.room()[0]);
    assertEquals(20_000, mix.minus().get("a")[0]);
    assertEquals(20_000, mix.minus().get("b")[0]);
    assertEquals(32767, mix.minus().get("c")[0]);
  }

  @Test
  void twoSpeakersHearEachOther() {
    short[] a = random(21, 30_000);
    short[] b = random(22, 30_000);
    Mixer.Mix mix = Mixer.mix(Map.of("a", a, "b", b), N);
    assertArrayEquals(b, mix.minus().get("a"));
    assertArrayEquals(a, mix.minus().get("b"));
  }

  @Test
  void oneSpeakersMixIsTheirInput() {
    short[] a = random(31, 32_767);
    a[0] = Short.MIN_VALUE;
    Mixer.Mix mix = Mixer.mix(Map.of("a", a), N);
    assertArrayEquals(a, mix.room());
    assertArrayEquals(new short[N], mix.minus().get("a"));
  }

  @Test
  void mixDoesNotModifyInputs() {
    short[] a = constant(30_000);
    short[] b = constant(30_000);
    Mixer.mix(Map.of("a", a, "b", b), N);
    assertArrayEquals(constant(30_000), a);
    assertArrayEquals(constant(30_000), b);
  }

  @Test
  void levels() {
    assertEquals(0.0, Mixer.level(new short[N]));
    assertEquals(1.0, Mixer.level(sine(32767)), 0.01);
    assertEquals(0.5, Mixer.level(sine(32767 / 2.0)), 0.01);
    assertEquals(0.1, Mixer.level(sine(3276.7)), 0.01);
    // never above 1, even for a full-scale square wave
    assertEquals(1.0, Mixer.level(constant(-32768)));
  }
}
