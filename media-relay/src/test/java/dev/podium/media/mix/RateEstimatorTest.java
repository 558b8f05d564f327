package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RateEstimatorTest {
  private static final long MS = 1_000_000L;

  /**
   * Feeds {@code seconds} of {@code chunk}-sample chunks sent in real time at {@code rate}, each
   * arriving up to {@code maxLate} late (order kept), from {@code from}; returns the time the rate
   * in use first became {@code rate}, or -1.
   */
  private static long feed(
      RateEstimator e, int rate, int chunk, double seconds, long from, long maxLate, long seed) {
    return feed(e, rate, chunk, seconds, from, maxLate, seed, null);
  }

  /**
   * As above, checking after every chunk that the rate in use is one of {@code allowed} (when
   * given).
   */
  private static long feed(
      RateEstimator e,
      int rate,
      int chunk,
      double seconds,
      long from,
      long maxLate,
      long seed,
      java.util.Set<Integer> allowed) {
    Random random = new Random(seed);
    long period = chunk * 1_000_000_000L / rate;
    long previous = 0;
    long foundAt = -1;
    for (long k = 0; k * period < seconds * 1e9; k++) {
      long at =
          Math.max(
              previous,
              from + k * period + (maxLate == 0 ? 0 : (long) (random.nextDouble() * maxLate)));
      previous = at;
      int inUse = e.observe(at, chunk);
      if (allowed != null) {
        assertTrue(
            allowed.contains(inUse), "rate in use " + inUse + " after " + (at - from) / MS + " ms");
      }
      if (inUse == rate && e.found() && foundAt < 0) {
        foundAt = at - from;
      }
    }
    return foundAt;
  }

  @Test
  void todaysHostPageIsFoundWithinTwoSeconds() {
    for (int rate : new int[] {44_100, 48_000}) {
      RateEstimator e = new RateEstimator(48_000);
      long found = feed(e, rate, 4096, 10, 0, 0, 1);
      assertEquals(rate, e.rate());
      assertTrue(found >= 0 && found <= 2_000 * MS, rate + " found after " + found / MS + " ms");
    }
  }

  @Test
  void everyCommonRateIsFoundWithJitteryArrivals() {
    for (int rate : dev.podium.api.media.InputRates.COMMON) {
      for (int chunk : new int[] {960, 2048, 4096}) {
        RateEstimator e = new RateEstimator(48_000);
        feed(e, rate, chunk, 15, 0, 20 * MS, rate + chunk);
        assertEquals(rate, e.rate(), chunk + "-sample chunks at " + rate + " Hz, up to 20 ms late");
        assertTrue(e.found());
      }
    }
  }

  @Test
  void aStartupBurstDoesNotDecide() {
    RateEstimator e = new RateEstimator(48_000);
    // a browser starting up: eight chunks at once, then real time at 44.1 kHz
    for (int i = 0; i < 8; i++) {
      e.observe(0, 4096);
    }
    assertEquals(48_000, e.rate(), "nothing known yet");
    // the first window, burst included, looks like 88.2 kHz: no verdict on its own
    feed(e, 44_100, 4096, 3, 1, 0, 1, java.util.Set.of(48_000, 44_100));
    assertEquals(44_100, e.rate());
  }

  @Test
  void oneStallDoesNotSwitchAFoundRate() {
    for (long stallAt = 5_000 * MS; stallAt < 7_000 * MS; stallAt += 100 * MS) {
      RateEstimator e = new RateEstimator(48_000);
      long period = 4096 * 1_000_000_000L / 48_000;
      // 48 kHz chunks; from stallAt on every chunk comes 180 ms later: the window holding the stall
      // looks like 44.1 kHz (2 s of audio in 2.18 s)
      for (long k = 0; k * period < 20_000 * MS; k++) {
        long at = k * period + (k * period >= stallAt ? 180 * MS : 0);
        int inUse = e.observe(at, 4096);
        if (k * period > 2_000 * MS) {
          assertEquals(48_000, inUse, "after " + at / MS + " ms, stall at " + stallAt / MS);
        }
      }
    }
  }

  @Test
  void theStallAboveLooksLike44100HzToASingleWindow() {
    // the window that holds the stall: 2 s of 48 kHz audio arriving over 2.18 s
    assertEquals(44_100, RateEstimator.nearest(48_000 * 2.0 / 2.18));
    assertTrue(Math.abs(48_000 * 2.0 / 2.18 / 44_100 - 1) < RateEstimator.TOLERANCE);
  }

  @Test
  void aDifferentRateAfterAPauseIsFoundAgain() {
    RateEstimator e = new RateEstimator(48_000);
    feed(e, 44_100, 4096, 5, 0, 0, 1);
    assertEquals(44_100, e.rate());
    // silent for 10 s (a mute), then another device at 48 kHz: the pause is not counted
    feed(e, 48_000, 4096, 6, 15_000 * MS, 0, 1);
    assertEquals(48_000, e.rate());
  }

  @Test
  void aFloodOrATrickleMatchesNoRateAndChangesNothing() {
    RateEstimator flood = new RateEstimator(48_000);
    feed(flood, 400_000, 4096, 10, 0, 0, 1); // far faster than real time at any rate
    assertEquals(48_000, flood.rate());
    assertFalse(flood.found());
    RateEstimator between = new RateEstimator(48_000);
    feed(between, 46_000, 4096, 10, 0, 0, 1); // between 44.1 and 48 kHz: no verdict
    assertEquals(48_000, between.rate());
    assertFalse(between.found());
  }

  @Test
  void nearestSnapsByRatio() {
    assertEquals(44_100, RateEstimator.nearest(45_500));
    assertEquals(48_000, RateEstimator.nearest(46_500));
    assertEquals(8_000, RateEstimator.nearest(1));
    assertEquals(96_000, RateEstimator.nearest(1e9));
  }

  /**
   * A loaded relay or gateway: chunks of a 48 kHz host come up to 100 ms late, in bursts (order
   * kept), for 30 s. The least-delayed chunks still lie on the sender's line, so the host is never
   * taken for 44.1 kHz; counting samples over a window misjudged it by the stall inside it.
   */
  @Test
  void aStallingPathNeverMisjudgesTheRate() {
    for (long seed = 1; seed <= 20; seed++) {
      RateEstimator e48 = new RateEstimator(48_000);
      feed(e48, 48_000, 4096, 30, 0, 100 * MS, seed, java.util.Set.of(48_000));
      assertTrue(e48.found(), "seed " + seed);
      RateEstimator e44 = new RateEstimator(48_000);
      feed(e44, 44_100, 4096, 30, 0, 100 * MS, seed, java.util.Set.of(48_000, 44_100));
      assertEquals(44_100, e44.rate(), "seed " + seed);
    }
  }

  /** A path that stalls 250 ms every second and then delivers everything at once. */
  @Test
  void aPathThatStallsEverySecondNeverMisjudgesTheRate() {
    for (int rate : new int[] {44_100, 48_000}) {
      for (long phase = 0; phase < 1_000 * MS; phase += 50 * MS) {
        RateEstimator e = new RateEstimator(rate);
        long period = 4096 * 1_000_000_000L / rate;
        for (long k = 0; k * period < 30_000 * MS; k++) {
          long sent = k * period;
          long inSecond = (sent + phase) % (1_000 * MS);
          // sent during the stall: arrives when it ends
          long at = inSecond < 250 * MS ? sent + (250 * MS - inSecond) : sent;
          assertEquals(rate, e.observe(at, 4096), rate + " Hz, phase " + phase / MS);
        }
        assertTrue(e.found(), rate + " Hz, phase " + phase / MS);
      }
    }
  }
}
