package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The node's demand for a room's mix on a virtual clock: timers fire exactly when due, nothing
 * sleeps.
 */
class MixDemandTest {
  /** Periodic timers driven by hand. */
  private static final class VirtualTimers implements MixDemand.Timers {
    long now;
    long nextId;
    final TreeMap<Long, long[]> timers = new TreeMap<>();
    final java.util.Map<Long, Runnable> actions = new java.util.HashMap<>();

    @Override
    public long every(long millis, Runnable action) {
      long id = ++nextId;
      timers.put(id, new long[] {now + millis, millis});
      actions.put(id, action);
      return id;
    }

    @Override
    public void cancel(long id) {
      timers.remove(id);
      actions.remove(id);
    }

    void advance(long millis) {
      long until = now + millis;
      while (true) {
        Long due = null;
        for (var e : timers.entrySet()) {
          if (e.getValue()[0] <= until && (due == null || e.getValue()[0] < timers.get(due)[0])) {
            due = e.getKey();
          }
        }
        if (due == null) {
          break;
        }
        long[] t = timers.get(due);
        now = t[0];
        t[0] += t[1];
        actions.get(due).run();
      }
      now = until;
    }
  }

  private final VirtualTimers timers = new VirtualTimers();
  private final List<String> announced = new ArrayList<>();
  private final MixDemand demand =
      new MixDemand(
          timers,
          (event, mix, opus) -> announced.add(timers.now + " " + event + " " + mix + " " + opus));

  @Test
  void aHostAloneWantsNothingAndTheFirstOtherSocketAnnouncesAtOnceAndEverySecond() {
    demand.added("e1", true, false);
    timers.advance(3_000);
    assertEquals(List.of(), announced, "a room whose only socket is its host's wants no mix");
    assertEquals(0, timers.timers.size(), "and runs no timer");

    demand.added("e1", false, false);
    timers.advance(500);
    demand.added("e1", false, false);
    timers.advance(2_000);
    demand.removed("e1", false, false);
    timers.advance(700);
    demand.removed("e1", false, false);
    timers.advance(5_000);
    assertEquals(
        List.of(
            "3000 e1 true false",
            "4000 e1 true false",
            "5000 e1 true false",
            "6000 e1 true false",
            "6200 e1 false false"),
        announced);
    assertFalse(demand.wantsMix("e1"));
    assertEquals(0, timers.timers.size(), "no timer left behind");
  }

  @Test
  void opusIsAskedForByListenersNotByTheHost() {
    demand.added("e1", true, true);
    assertEquals(
        List.of(), announced, "the host's own Opus socket only gets its mix-minus, never Opus");
    demand.added("e1", false, false);
    demand.added("e1", false, true);
    demand.removed("e1", false, true);
    demand.removed("e1", true, true);
    assertEquals(List.of("0 e1 true false", "0 e1 true true", "0 e1 true false"), announced);
    assertEquals(0, demand.opusListeners("e1"));
  }

  @Test
  void oneTimerRepeatsEveryWantedEvent() {
    demand.added("e1", false, false);
    timers.advance(400);
    demand.added("e2", false, true);
    demand.added("e3", true, false);
    timers.advance(600);
    assertEquals(
        List.of("0 e1 true false", "400 e2 true true", "1000 e1 true false", "1000 e2 true true"),
        announced);
    assertEquals(1, timers.timers.size(), "one timer for the node, not one per event");
  }

  @Test
  void stoppingTheRoomEndsItsDemandWhateverWasCounted() {
    demand.added("e1", false, false);
    demand.added("e2", false, false);
    demand.added("e2", false, false);
    demand.stop("e2");
    timers.advance(1_000);
    assertEquals(
        List.of("0 e1 true false", "0 e2 true false", "0 e2 false false", "1000 e1 true false"),
        announced);
    demand.removed("e2", false, false);
    assertEquals(4, announced.size(), "a late leave of a stopped room announces nothing");
    demand.stop("e1");
    assertEquals(0, timers.timers.size(), "the last wanted room's stop ends the timer");
  }
}
