package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RejoinTest {
  private static final long MS = 1_000_000L;

  @Test
  void theGatewaysAfterMsComesFirstThenTheBackoffOverTheNextBases() {
    Rejoin rejoin = new Rejoin(new ReconnectPolicy(3), 2, 1);
    rejoin.askedBackAfter(800, 0);
    assertEquals(500, rejoin.nextDelayMs(300 * MS), "what is left of after_ms");
    assertEquals(0, rejoin.base(), "the next base, wrapping round");
    assertEquals(500, rejoin.nextDelayMs(400 * MS), "then the backoff of the second attempt");
    assertEquals(1, rejoin.base());
    assertTrue(rejoin.mayTry());
    assertEquals(1_000, rejoin.nextDelayMs(500 * MS));
    assertFalse(rejoin.mayTry(), "three attempts in a row at most");
  }

  @Test
  void backInTheRoomTellsSinceWhenAndStartsAfresh() {
    Rejoin rejoin = new Rejoin(new ReconnectPolicy(1), 3, 0);
    rejoin.away(10 * MS);
    rejoin.away(20 * MS);
    rejoin.nextDelayMs(20 * MS);
    assertFalse(rejoin.mayTry());
    assertEquals(10 * MS, rejoin.back(), "away from the first time it went");
    assertTrue(rejoin.mayTry(), "attempts count afresh");
    assertEquals(250, rejoin.nextDelayMs(30 * MS), "no after_ms left over: the first backoff");
  }
}
