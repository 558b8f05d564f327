package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LevelMeterTest {
  private static final int N = 960;
  private static final int WINDOW = 10;

  private static short[] sine(double amplitude) {
    short[] f = new short[N];
    for (int i = 0; i < N; i++) {
      f[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * 1000 * i / 48_000.0));
    }
    return f;
  }

  /** Runs one window with the same frames every tick; returns the window's report. */
  private static Map<String, Double> window(LevelMeter meter, Map<String, short[]> frames) {
    for (int t = 0; t < WINDOW - 1; t++) {
      assertNull(meter.record(frames), "nothing reported inside a window (tick " + t + ")");
    }
    return meter.record(frames);
  }

  @Test
  void reportsOncePerWindow() {
    LevelMeter meter = new LevelMeter(WINDOW);
    Map<String, Double> report = window(meter, Map.of("a", sine(16383.5)));
    assertNotNull(report);
    assertEquals(Map.of("a", 0.5), report);
  }

  @Test
  void reportsTheLoudestFrameOfTheWindow() {
    LevelMeter meter = new LevelMeter(WINDOW);
    for (int t = 0; t < WINDOW - 1; t++) {
      assertNull(meter.record(Map.of("a", sine(t == 3 ? 32767 * 0.8 : 32767 * 0.2))));
    }
    assertEquals(Map.of("a", 0.8), meter.record(Map.of("a", sine(3276.7))));
  }

  @Test
  void onlyNonZeroLevels() {
    LevelMeter meter = new LevelMeter(WINDOW);
    Map<String, short[]> frames = new HashMap<>();
    frames.put("loud", sine(32767));
    frames.put("silent", new short[N]);
    short[] hiss = new short[N];
    Arrays.fill(hiss, (short) 3); // rounds to 0
    frames.put("hiss", hiss);
    Map<String, Double> report = window(meter, frames);
    assertEquals(Map.of("loud", 1.0), report);
  }

  @Test
  void onlyWhenChanged() {
    LevelMeter meter = new LevelMeter(WINDOW);
    Map<String, short[]> frames = Map.of("a", sine(16383.5), "b", sine(32767 * 0.3));
    assertEquals(Map.of("a", 0.5, "b", 0.3), window(meter, frames));
    assertNull(window(meter, frames), "same levels again: nothing");
    // a tiny change within the rounding step is not a change
    assertNull(window(meter, Map.of("a", sine(16383.5 * 1.01), "b", sine(32767 * 0.3))));
    assertEquals(
        Map.of("a", 0.7, "b", 0.3),
        window(meter, Map.of("a", sine(32767 * 0.7), "b", sine(32767 * 0.3))));
  }

  @Test
  void goesEmptyWhenSpeakersFallSilent() {
    LevelMeter meter = new LevelMeter(WINDOW);
    assertEquals(Map.of("a", 1.0), window(meter, Map.of("a", sine(32767))));
    // the mixer reports no frames at all (null tick) when nobody speaks
    Map<String, Double> report = window(meter, null);
    assertNotNull(report, "silence after speech is a change");
    assertTrue(report.isEmpty());
    assertNull(window(meter, null), "still silent: nothing");
    assertNull(window(meter, Map.of("a", new short[N])), "zero-level frames: still nothing");
  }

  @Test
  void silenceFromTheStartIsNeverReported() {
    LevelMeter meter = new LevelMeter(WINDOW);
    for (int w = 0; w < 3; w++) {
      assertNull(window(meter, null));
    }
  }

  @Test
  void aSpeakerDroppingOutIsAChange() {
    LevelMeter meter = new LevelMeter(WINDOW);
    assertEquals(
        Map.of("a", 1.0, "b", 0.5), window(meter, Map.of("a", sine(32767), "b", sine(16383.5))));
    assertEquals(Map.of("a", 1.0), window(meter, Map.of("a", sine(32767))));
  }
}
