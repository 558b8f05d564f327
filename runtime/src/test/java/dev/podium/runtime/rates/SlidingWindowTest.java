package dev.podium.runtime.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The window rule on a virtual clock, through the local windows (the cluster runs the same rule).
 */
class SlidingWindowTest {
  private long now;
  private final LocalRateWindows five = new LocalRateWindows(5, () -> now);

  private boolean at(long millis) {
    now = millis;
    return five.tryAcquire("u1").result();
  }

  @Test
  void sixthMessageWithinASecondIsRefused() {
    for (long t = 0; t < 5; t++) {
      assertTrue(at(t * 100), "message " + t);
    }
    assertFalse(at(999));
  }

  @Test
  void allowedAgainOnceTheOldestIsOneSecondOld() {
    for (long t : new long[] {0, 100, 200, 300, 400}) {
      assertTrue(at(t));
    }
    assertFalse(at(999));
    assertTrue(at(1000), "the message at 0 is 1000 ms old");
    assertFalse(at(1099), "the oldest is now the one at 100");
    assertTrue(at(1100));
  }

  @Test
  void burstAtOneInstantThenSlidesAsAWindow() {
    for (int i = 0; i < 5; i++) {
      assertTrue(at(5_000));
    }
    assertFalse(at(5_000));
    assertFalse(at(5_999));
    for (int i = 0; i < 5; i++) {
      assertTrue(at(6_000), "message " + i + " of the second burst");
    }
    assertFalse(at(6_000));
  }

  @Test
  void refusedMessagesDoNotExtendThePenalty() {
    for (int i = 0; i < 5; i++) {
      assertTrue(at(0));
    }
    for (long t = 1; t < 1000; t += 50) {
      assertFalse(at(t));
    }
    assertTrue(at(1000));
  }

  @Test
  void limitOfOne() {
    long[] state = SlidingWindow.admit(null, 1, 10);
    assertEquals(1, state.length);
    assertEquals(null, SlidingWindow.admit(state, 1, 1009));
    assertEquals(
        1, SlidingWindow.admit(state, 1, 1010).length, "the old time is dropped, not kept");
  }

  @Test
  void keysAreIndependent() {
    for (int i = 0; i < 5; i++) {
      assertTrue(at(0));
    }
    assertFalse(at(0));
    assertTrue(five.tryAcquire("u2").result(), "another sender is not affected");
  }

  @Test
  void timesFromTheFutureAreForgottenNotHeldAgainstTheSender() {
    // Five accepted by a member whose clock was 10 s ahead; the key moved to one that is not.
    long[] ahead = {10_000, 10_000, 10_000, 10_000, 10_000};
    assertEquals(1, SlidingWindow.admit(ahead, 5, 0).length);
  }

  @Test
  void theStateNeverHoldsMoreThanTheLimit() {
    long[] state = null;
    for (long t = 0; t < 3000; t += 7) {
      long[] next = SlidingWindow.admit(state, 5, t);
      if (next != null) {
        state = next;
      }
      assertTrue(state.length <= 5);
    }
  }

  @Test
  void idleKeysAreForgotten() {
    for (int i = 0; i < 20; i++) {
      now = 0;
      five.tryAcquire("user-" + i);
    }
    assertEquals(20, five.size());
    assertTrue(at(1_000));
    assertEquals(1, five.size(), "only the key active in the last second is kept");
  }
}
