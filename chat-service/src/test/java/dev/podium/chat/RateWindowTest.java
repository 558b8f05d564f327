package dev.podium.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateWindowTest {

  @Test
  void sixthMessageWithinASecondIsRefused() {
    RateWindow window = new RateWindow(5);
    for (long t = 0; t < 5; t++) {
      assertTrue(window.tryAcquire(t * 100), "message " + t);
    }
    assertFalse(window.tryAcquire(999));
  }

  @Test
  void allowedAgainOnceTheOldestIsOneSecondOld() {
    RateWindow window = new RateWindow(5);
    long[] at = {0, 100, 200, 300, 400};
    for (long t : at) {
      assertTrue(window.tryAcquire(t));
    }
    assertFalse(window.tryAcquire(999));
    assertTrue(window.tryAcquire(1000), "the message at 0 is 1000 ms old");
    // now the oldest is the one at 100
    assertFalse(window.tryAcquire(1099));
    assertTrue(window.tryAcquire(1100));
  }

  @Test
  void burstAtOneInstantThenSlidesAsAWindow() {
    RateWindow window = new RateWindow(5);
    for (int i = 0; i < 5; i++) {
      assertTrue(window.tryAcquire(5_000));
    }
    assertFalse(window.tryAcquire(5_000));
    assertFalse(window.tryAcquire(5_999));
    for (int i = 0; i < 5; i++) {
      assertTrue(window.tryAcquire(6_000), "message " + i + " of the second burst");
    }
    assertFalse(window.tryAcquire(6_000));
  }

  @Test
  void refusedMessagesDoNotExtendThePenalty() {
    RateWindow window = new RateWindow(5);
    for (int i = 0; i < 5; i++) {
      assertTrue(window.tryAcquire(0));
    }
    for (long t = 1; t < 1000; t += 50) {
      assertFalse(window.tryAcquire(t));
    }
    assertTrue(window.tryAcquire(1000));
  }

  @Test
  void limitOfOne() {
    RateWindow window = new RateWindow(1);
    assertTrue(window.tryAcquire(10));
    assertFalse(window.tryAcquire(1009));
    assertTrue(window.tryAcquire(1010));
    assertFalse(window.tryAcquire(1500));
  }
}
