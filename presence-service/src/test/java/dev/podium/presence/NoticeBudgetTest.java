package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-room notice budget on a virtual clock. */
class NoticeBudgetTest {
  private static final long MS = 1_000_000L;
  private long now = 1_000 * MS;
  private final NoticeBudget budget = new NoticeBudget(10, () -> now);

  private long allowedOf(String eventId, int attempts) {
    return IntStream.range(0, attempts).filter(i -> budget.allow(eventId)).count();
  }

  @Test
  void peopleComingAtAHumanPaceAreEachAnnounced() {
    for (int i = 0; i < 100; i++) {
      assertTrue(budget.allow("e1"), "join " + i);
      now += 150 * MS;
    }
  }

  @Test
  void aStormIsAnnouncedUpToTheReserveThenAtTheRate() {
    assertEquals(10, allowedOf("e1", 500), "the reserve, then nothing within the same instant");
    now += 1_000 * MS;
    assertEquals(10, allowedOf("e1", 500), "ten more a second later");
    now += 50 * MS;
    assertEquals(0, allowedOf("e1", 10), "half a token in 50 ms is none");
    now += 50 * MS;
    assertEquals(1, allowedOf("e1", 10));
  }

  @Test
  void roomsHaveTheirOwnBudgetsAndAForgottenRoomStartsAfresh() {
    assertEquals(10, allowedOf("e1", 50));
    assertEquals(10, allowedOf("e2", 50), "another room is not charged for e1's storm");
    budget.forget("e1");
    assertEquals(10, allowedOf("e1", 50));
  }

  @Test
  void aLongQuietSpellRefillsOnlyTheReserve() {
    assertEquals(10, allowedOf("e1", 10));
    now += 3_600_000 * MS;
    assertEquals(10, allowedOf("e1", 100), "an hour of quiet buys ten, not 36,000");
  }
}
