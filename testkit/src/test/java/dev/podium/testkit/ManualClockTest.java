package dev.podium.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void wallAndMonotonicTimeMoveTogetherAndOnlyWhenTold() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
    long start = clock.getAsLong();
    assertEquals(ManualClock.NANOS_START, start);
    clock.advance(Duration.ofSeconds(2));
    clock.advanceMillis(0.5);
    assertEquals(Instant.parse("2026-12-02T10:00:02.000500Z"), clock.instant());
    assertEquals(start + 2_000_500_000L, clock.nanos());
    assertEquals(clock.instant().toEpochMilli(), clock.millis());
  }

  @Test
  void itAdvancesToALaterInstantOnlyAndNeverGoesBack() {
    ManualClock clock = new ManualClock();
    long start = clock.nanos();
    clock.advanceToNanos(start + 1_000);
    clock.advanceToNanos(start);
    assertEquals(start + 1_000, clock.nanos());
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofMillis(-1)));
  }
}
