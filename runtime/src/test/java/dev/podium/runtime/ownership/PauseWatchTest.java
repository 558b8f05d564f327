package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PauseWatchTest {
  private static final long MS = 1_000_000;

  @Test
  void regularTicksAreNoPause() {
    PauseWatch watch = new PauseWatch(2_000 * MS, 0);
    for (long t = 100; t <= 10_000; t += 100) {
      assertEquals(0, watch.tick(t * MS));
      assertTrue(watch.awake(t * MS + 50 * MS));
    }
  }

  @Test
  void aLongGapIsReportedAndWritesBeforeTheLateTickAreRefused() {
    PauseWatch watch = new PauseWatch(2_000 * MS, 0);
    watch.tick(100 * MS);
    // SIGSTOP for 15 s: whatever runs first after SIGCONT sees it.
    assertFalse(watch.awake(15_100 * MS), "a write right after the wake-up is refused");
    assertEquals(15_000 * MS, watch.tick(15_100 * MS));
    // The late tick itself does not wake it: an overdue timer that runs between this tick and the
    // owner's step-down must not write either.
    assertFalse(
        watch.awake(15_150 * MS), "a write after the late tick, before the step-down, is refused");
    watch.tick(15_200 * MS);
    assertFalse(watch.awake(15_250 * MS), "still asleep until the owner knows where it stands");
    watch.resume();
    assertTrue(watch.awake(15_250 * MS));
  }

  @Test
  void regularTicksAfterAResumeStayAwake() {
    PauseWatch watch = new PauseWatch(2_000 * MS, 0);
    watch.tick(5_000 * MS);
    watch.resume();
    assertEquals(0, watch.tick(5_100 * MS));
    assertTrue(watch.awake(5_150 * MS));
  }

  @Test
  void eachPauseEndsAStint() {
    PauseWatch watch = new PauseWatch(2_000 * MS, 0);
    watch.tick(100 * MS);
    long first = watch.stint(150 * MS);
    assertTrue(first >= 0);
    assertEquals(-1, watch.stint(15_100 * MS), "no stint while the late tick has not come");
    watch.tick(15_100 * MS);
    assertEquals(-1, watch.stint(15_150 * MS), "nor after it, until the owner resumes");
    watch.resume();
    long second = watch.stint(15_150 * MS);
    assertTrue(second >= 0);
    assertNotEquals(first, second, "a write begun before the pause does not count after it");
    watch.tick(15_200 * MS);
    assertEquals(second, watch.stint(15_250 * MS), "regular ticks keep the stint");
  }
}
