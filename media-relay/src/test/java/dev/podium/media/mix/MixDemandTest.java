package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MixDemandTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long START = 100 * SECOND;

  /** Past the longest grace of a fresh owner that heard nobody. */
  private static final long LATER = START + 9 * SECOND;

  @Test
  void aFreshOwnerThatHearsNobodyAssumesTheMixIsWantedForEightSeconds() {
    MixDemand demand = new MixDemand(START, false);
    assertTrue(demand.mixWanted(START));
    assertFalse(demand.opusWanted(START), "Opus is never assumed");
    assertTrue(
        demand.mixWanted(START + 5 * SECOND),
        "the announcements may not find a new owner for seconds: keep mixing meanwhile");
    assertFalse(demand.mixWanted(START + 8 * SECOND), "nobody announced: nobody listens");
  }

  @Test
  void theOwnerOfAnEventThatHasJustGoneLiveAssumesTheMixIsWantedForTwoAndAHalfSeconds() {
    MixDemand demand = new MixDemand(START, true);
    assertTrue(demand.mixWanted(START), "a first listener's announcement may still be on its way");
    assertTrue(demand.mixWanted(START + 2 * SECOND));
    assertFalse(
        demand.mixWanted(START + 5 * SECOND / 2),
        "a host alone in a new room is no demand: its audio goes nowhere after the grace");
    demand.announced("gw1", true, false, START + 3 * SECOND);
    assertTrue(demand.mixWanted(START + 3 * SECOND), "a listener came");
  }

  @Test
  void aNewEventsGraceAlsoEndsOneAndAHalfSecondsAfterTheFirstAnnouncement() {
    MixDemand demand = new MixDemand(START, true);
    demand.announced("gw1", false, false, START + SECOND / 2);
    assertTrue(demand.mixWanted(START + 19 * SECOND / 10));
    assertFalse(demand.mixWanted(START + 2 * SECOND));
  }

  @Test
  void theGraceEndsOneAndAHalfSecondsAfterTheFirstAnnouncement() {
    MixDemand demand = new MixDemand(START, false);
    demand.announced("gw1", false, false, START + SECOND);
    assertTrue(demand.mixWanted(START + 2 * SECOND), "other gateways repeat within a second");
    assertFalse(
        demand.mixWanted(START + 5 * SECOND / 2), "heard from the gateways: nobody wants it");
    assertFalse(demand.opusWanted(START + 5 * SECOND / 2));
  }

  @Test
  void anAnnouncementExpiresAfterThreeSecondsUnlessRepeated() {
    MixDemand demand = new MixDemand(START, false);
    demand.announced("gw1", true, false, LATER);
    assertTrue(demand.mixWanted(LATER));
    assertTrue(demand.mixWanted(LATER + 3 * SECOND));
    assertFalse(demand.mixWanted(LATER + 3 * SECOND + 1));

    demand.announced("gw1", true, false, LATER + 10 * SECOND);
    demand.announced("gw1", true, false, LATER + 12 * SECOND);
    assertTrue(demand.mixWanted(LATER + 14 * SECOND + SECOND / 2), "a repeat renews it");
  }

  @Test
  void aNodeThatNoLongerWantsTheMixStopsCountingAtOnce() {
    MixDemand demand = new MixDemand(START, false);
    demand.announced("gw1", true, true, LATER);
    assertTrue(demand.opusWanted(LATER));
    demand.announced("gw1", false, false, LATER + SECOND / 10);
    assertFalse(demand.mixWanted(LATER + SECOND / 5));
    assertFalse(demand.opusWanted(LATER + SECOND / 5));
    demand.announced("gw1", true, false, LATER + SECOND);
    assertTrue(demand.mixWanted(LATER + SECOND), "wanted again");
    assertFalse(demand.opusWanted(LATER + SECOND), "but in PCM only");
  }

  @Test
  void nodesCountSeparatelyForTheMixAndForOpus() {
    MixDemand demand = new MixDemand(START, false);
    demand.announced("gw1", true, true, LATER);
    demand.announced("gw2", true, false, LATER + SECOND);
    demand.announced("gw1", false, false, LATER + 2 * SECOND);
    assertTrue(demand.mixWanted(LATER + 2 * SECOND), "gw2 still wants it");
    assertFalse(demand.opusWanted(LATER + 2 * SECOND), "but nobody in Opus");
    assertTrue(demand.mixWanted(LATER + 4 * SECOND));
    assertFalse(demand.mixWanted(LATER + 4 * SECOND + 1), "gw2's announcement expired");
  }

  @Test
  void aNodeIdIsNeededToCount() {
    MixDemand demand = new MixDemand(START, false);
    demand.announced(null, true, true, LATER);
    assertFalse(demand.mixWanted(LATER));
  }
}
