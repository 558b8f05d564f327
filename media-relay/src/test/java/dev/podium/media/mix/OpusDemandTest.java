package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpusDemandTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void nobodyAskedMeansNoOpus() {
    assertFalse(new OpusDemand().anyWanted(0));
  }

  @Test
  void aTrueExpiresAfterThreeSecondsUnlessRepeated() {
    OpusDemand demand = new OpusDemand();
    demand.wanted("gw1", true, 10 * SECOND);
    assertTrue(demand.anyWanted(10 * SECOND));
    assertTrue(demand.anyWanted(13 * SECOND));
    assertFalse(demand.anyWanted(13 * SECOND + 1));

    demand.wanted("gw1", true, 20 * SECOND);
    demand.wanted("gw1", true, 22 * SECOND);
    assertTrue(demand.anyWanted(24 * SECOND + SECOND / 2), "a repeat renews it");
  }

  @Test
  void aFalseCancelsAtOnce() {
    OpusDemand demand = new OpusDemand();
    demand.wanted("gw1", true, 0);
    demand.wanted("gw1", false, SECOND / 10);
    assertFalse(demand.anyWanted(SECOND / 5));
    demand.wanted("gw1", true, SECOND);
    assertTrue(demand.anyWanted(SECOND), "wanted again");
  }

  @Test
  void twoNodesCountSeparately() {
    OpusDemand demand = new OpusDemand();
    demand.wanted("gw1", true, 0);
    demand.wanted("gw2", true, SECOND);
    demand.wanted("gw1", false, 2 * SECOND);
    assertTrue(demand.anyWanted(2 * SECOND), "gw2 still wants it");
    assertTrue(demand.anyWanted(4 * SECOND));
    assertFalse(demand.anyWanted(4 * SECOND + 1), "gw2's announcement expired");
    demand.wanted("gw2", false, 5 * SECOND);
    demand.wanted("gw1", true, 5 * SECOND);
    assertTrue(demand.anyWanted(5 * SECOND));
    demand.wanted("gw1", false, 6 * SECOND);
    assertFalse(demand.anyWanted(6 * SECOND));
  }
}
