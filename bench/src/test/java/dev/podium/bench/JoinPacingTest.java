package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JoinPacingTest {

  @Test
  void aJoinRateIsARampOfNOverTheRate() {
    assertEquals(1000, JoinPacing.rampMs(500, 500));
    assertEquals(5000, JoinPacing.rampMs(1000, 200));
    assertEquals(333, JoinPacing.rampMs(1, 3));
    assertEquals(0, JoinPacing.rampMs(0, 500), "nobody to join: no ramp");
    assertThrows(IllegalArgumentException.class, () -> JoinPacing.rampMs(10, 0));
  }

  @Test
  void joinsAtARateAreDueOnDeadlinesFromTheStartNotFromEachOther() {
    long start = 1_000_000_000L;
    assertEquals(start, JoinPacing.dueAtRate(start, 0, 500));
    assertEquals(start + 2_000_000, JoinPacing.dueAtRate(start, 1, 500));
    assertEquals(
        start + 1_000_000_000,
        JoinPacing.dueAtRate(start, 500, 500),
        "the 501st is due 1 s after the first");
    assertEquals(start + 333_333_333, JoinPacing.dueAtRate(start, 1, 3));
    // Over a ramp: N joins spread evenly, the last one a step before its end.
    assertEquals(start + 998_000_000, JoinPacing.dueOverRamp(start, 499, 500, 1000));
    assertEquals(start, JoinPacing.dueOverRamp(start, 0, 0, 1000));
  }

  @Test
  void roomsSendOnPhasesSpreadOverThePacketPeriod() {
    long period = 20_000_000;
    assertEquals(0, JoinPacing.roomPhaseNanos(0, 1, period));
    assertEquals(0, JoinPacing.roomPhaseNanos(0, 4, period));
    assertEquals(5_000_000, JoinPacing.roomPhaseNanos(1, 4, period));
    assertEquals(
        15_000_000, JoinPacing.roomPhaseNanos(3, 4, period), "every phase inside the period");
  }
}
