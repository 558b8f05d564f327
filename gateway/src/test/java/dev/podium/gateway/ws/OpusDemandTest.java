package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The node's Opus demand on a virtual clock: timers fire exactly when due, nothing sleeps. */
class OpusDemandTest {
  /** Periodic timers driven by hand. */
  private static final class VirtualTimers implements OpusDemand.Timers {
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
  private final OpusDemand demand = new OpusDemand(timers, (event, opus) -> announced.add(timers.now + " " + event + " " + opus));

  @Test
  void theFirstListenerAnnouncesAtOnceAndEverySecondUntilTheLastLeaves() {
    demand.added("e1");
    timers.advance(500);
    demand.added("e1");
    timers.advance(2_000);
    demand.removed("e1");
    timers.advance(700);
    demand.removed("e1");
    timers.advance(5_000);
    assertEquals(List.of("0 e1 true", "1000 e1 true", "2000 e1 true", "3000 e1 true", "3200 e1 false"), announced);
    assertEquals(0, demand.listeners("e1"));
    assertEquals(0, timers.timers.size(), "no timer left behind");
  }

  @Test
  void stoppingTheRoomEndsItsDemandWhateverWasCounted() {
    demand.added("e1");
    demand.added("e2");
    demand.added("e2");
    demand.stop("e2");
    timers.advance(1_000);
    assertEquals(List.of("0 e1 true", "0 e2 true", "0 e2 false", "1000 e1 true"), announced);
    demand.removed("e2");
    assertEquals(4, announced.size(), "a late leave of a stopped room announces nothing");
  }
}
