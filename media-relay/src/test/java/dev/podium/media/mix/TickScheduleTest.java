package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.testkit.ManualClock;
import org.junit.jupiter.api.Test;

class TickScheduleTest {
  private static final long MS = 1_000_000L;
  private static final long PERIOD = 20 * MS;

  @Test
  void deadlinesAreStartPlusKPeriods() {
    ManualClock clock = new ManualClock();
    long start = clock.nanos();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    for (long k = 0; k < 1000; k += 37) {
      assertEquals(start + k * PERIOD, s.deadline(k));
    }
    assertEquals(20, s.delayMillis(), "first tick one period after start");
  }

  @Test
  void lateTickDoesNotPushLaterDeadlines() {
    ManualClock clock = new ManualClock();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(25);
    assertEquals(0, s.delayMillis(), "tick 1 (due at 20 ms) is overdue");
    assertEquals(1, s.advance());
    assertEquals(15, s.delayMillis(), "tick 2 stays at 40 ms");
    clock.advanceMillis(15);
    assertEquals(0, s.delayMillis());
    assertEquals(2, s.advance());
    assertEquals(20, s.delayMillis());
  }

  @Test
  void noDriftOverManyLateTicks() {
    ManualClock clock = new ManualClock();
    long start = clock.nanos();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    // a chained timer that always fires 1-3 ms late would drift by seconds over 1000 ticks
    long[] lateness = {1, 3, 2};
    for (int k = 1; k <= 1000; k++) {
      long wait = s.delayMillis();
      clock.advanceMillis(wait + lateness[k % 3]);
      assertEquals(k, s.advance());
      long drift = clock.nanos() - (start + k * PERIOD);
      assertTrue(
          drift >= 0 && drift <= 4 * MS,
          "tick " + k + " ran " + drift / MS + " ms off its deadline");
    }
  }

  @Test
  void shortDelayRunsMissedTicksBackToBack() {
    ManualClock clock = new ManualClock();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(65); // ticks 1, 2, 3 due (20, 40, 60)
    assertEquals(1, s.advance());
    assertEquals(0, s.delayMillis());
    assertEquals(2, s.advance());
    assertEquals(0, s.delayMillis());
    assertEquals(3, s.advance());
    assertEquals(15, s.delayMillis());
  }

  @Test
  void longStallSkipsAheadInsteadOfBursting() {
    ManualClock clock = new ManualClock();
    long start = clock.nanos();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(20);
    assertEquals(1, s.advance());
    clock.advanceMillis(1000); // a 1 s pause: now = 1020 ms, ticks 2..51 all past due
    long k = s.advance();
    assertTrue(k >= 45, "skipped ahead, got tick " + k);
    assertTrue(s.deadline(k) <= clock.nanos(), "the tick run is due");
    assertTrue(s.deadline(k + 1) > clock.nanos() - 5 * PERIOD, "no backlog of more than 5 periods");
    // the burst after the stall is at most a few ticks
    int burst = 0;
    while (s.delayMillis() == 0) {
      s.advance();
      burst++;
      assertTrue(burst <= 6, "burst after a stall");
    }
    // and the schedule is still on the original grid
    long next = s.delayMillis();
    assertEquals(
        0, (clock.nanos() + next * MS - start) % PERIOD, "deadline still on start + k * period");
  }

  @Test
  void delayIsZeroWhenDueAndRoundsUpToAtLeastOneMillisecond() {
    ManualClock clock = new ManualClock();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(19.9);
    assertEquals(1, s.delayMillis(), "0.1 ms early: wait at least 1 ms, never 0 before due");
    clock.advanceMillis(0.1);
    assertEquals(0, s.delayMillis(), "exactly at the deadline");
    clock.advanceMillis(0.1);
    assertEquals(0, s.delayMillis());
    assertEquals(0, s.delayMillis(), "delayMillis() does not advance");
    assertEquals(1, s.advance());
  }

  @Test
  void delayRoundsUpSoATimerNeverFiresEarly() {
    ManualClock clock = new ManualClock();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(18.6); // 1.4 ms to go
    assertEquals(2, s.delayMillis());
    clock.advanceMillis(0.5); // 0.9 ms to go
    assertEquals(1, s.delayMillis());
  }

  @Test
  void reanchorMovesTheNextTickAndTheGridAfterIt() {
    ManualClock clock = new ManualClock();
    long start = clock.nanos();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(20);
    assertEquals(1, s.advance());
    clock.advanceMillis(7.3);
    long due = clock.nanos() + 60 * MS + 2 * MS;
    s.reanchor(due);
    assertEquals(due, s.nextDeadline());
    assertEquals(62, s.delayMillis());
    clock.advanceToNanos(due);
    long k = s.advance();
    assertEquals(due, s.deadline(k));
    assertEquals(due + PERIOD, s.nextDeadline(), "drift-free again from the new anchor");
    // earlier than the old grid works too
    clock.advanceMillis(3);
    s.reanchor(clock.nanos() + 2 * MS);
    assertEquals(2, s.delayMillis());
    assertTrue(s.nextDeadline() - start > 0);
  }

  @Test
  void aLateTickAfterAReanchorDoesNotPushLaterDeadlines() {
    ManualClock clock = new ManualClock();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(5);
    long due = clock.nanos() + 2 * MS;
    s.reanchor(due);
    clock.advanceToNanos(due + 4 * MS); // the timer fired 4 ms late
    long k = s.advance();
    assertEquals(due, s.deadline(k));
    assertEquals(16, s.delayMillis(), "the next tick stays at due + 20 ms");
  }

  @Test
  void reanchorIntoThePastRunsCatchUpTicksAtOnce() {
    ManualClock clock = new ManualClock();
    TickSchedule s = new TickSchedule(clock, PERIOD);
    clock.advanceMillis(20);
    assertEquals(1, s.advance());
    // the mixer moves the grid 70 ms earlier: the next tick was due at 40 ms, now at -30 ms
    long due = s.nextDeadline() - 70 * MS;
    s.reanchor(due);
    for (int i = 0; i < 3; i++) { // due at -30, -10 and 10 ms: all past
      assertEquals(0, s.delayMillis(), "catch-up tick " + i);
      assertEquals(due + i * PERIOD, s.deadline(s.advance()), "no tick skipped");
    }
    assertEquals(10, s.delayMillis(), "then on the moved grid: 30 ms");
    assertEquals(due + 3 * PERIOD, s.nextDeadline());
  }
}
