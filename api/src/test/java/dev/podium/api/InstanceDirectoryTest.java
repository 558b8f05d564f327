package dev.podium.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InstanceDirectoryTest {
  private static final long MS = 1_000_000L;
  private static final long TIMEOUT = 1_000 * MS;

  private static List<String> events(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("evt-" + i);
    }
    return ids;
  }

  private static List<String> uuids(int n, long seed) {
    Random r = new Random(seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(new UUID(r.nextLong(), r.nextLong()).toString());
    }
    return ids;
  }

  @Test
  void noRelayNoOwner() {
    assertNull(new InstanceDirectory(TIMEOUT).owner("e1", 0));
  }

  @Test
  void everyInstanceWithTheSameMembershipPicksTheSameOwner() {
    List<String> relays = uuids(5, 1);
    InstanceDirectory one = new InstanceDirectory(TIMEOUT);
    InstanceDirectory two = new InstanceDirectory(TIMEOUT);
    for (String r : relays) {
      one.seen(r, 0);
    }
    List<String> shuffled = new ArrayList<>(relays);
    Collections.shuffle(shuffled, new Random(3));
    for (String r : shuffled) {
      two.seen(r, 10 * MS); // heard at other times, in another order
    }
    for (String e : events(500)) {
      String owner = one.owner(e, 20 * MS);
      assertNotNull(owner);
      assertEquals(owner, two.owner(e, 20 * MS), e);
      assertEquals(owner, one.owner(e, 30 * MS), "stable over time while nothing changes");
    }
  }

  @Test
  void ownersSpreadOverRelays() {
    for (List<String> relays : List.of(List.of("relay-1", "relay-2", "relay-3"), List.of("a", "b", "c"), uuids(3, 7))) {
      InstanceDirectory m = new InstanceDirectory(TIMEOUT);
      relays.forEach(r -> m.seen(r, 0));
      Map<String, Integer> owned = new HashMap<>();
      List<String> eventIds = events(300);
      eventIds.addAll(uuids(300, 11));
      for (String e : eventIds) {
        owned.merge(m.owner(e, 0), 1, Integer::sum);
      }
      for (String r : relays) {
        int n = owned.getOrDefault(r, 0);
        assertTrue(n > 0, r + " owns nothing among 600 events: " + owned);
        assertTrue(n >= 100, "badly unbalanced for " + relays + ": " + owned);
      }
    }
  }

  @Test
  void whenTheOwnerDisappearsOnlyItsEventsMove() {
    List<String> relays = List.of("relay-1", "relay-2", "relay-3");
    InstanceDirectory m = new InstanceDirectory(TIMEOUT);
    relays.forEach(r -> m.seen(r, 0));
    Map<String, String> before = new HashMap<>();
    for (String e : events(300)) {
      before.put(e, m.owner(e, 0));
    }
    // relay-1 and relay-3 keep heart-beating, relay-2 stops
    long now = 0;
    for (int i = 0; i < 12; i++) {
      now += 200 * MS;
      m.seen("relay-1", now);
      m.seen("relay-3", now);
    }
    int moved = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      String after = m.owner(e.getKey(), now);
      if (e.getValue().equals("relay-2")) {
        assertNotEquals("relay-2", after, "event of the dead relay moves");
        assertNotNull(after);
        moved++;
      } else {
        assertEquals(e.getValue(), after, "events of live relays stay put");
      }
    }
    assertTrue(moved > 0, "relay-2 owned something");
  }

  @Test
  void ownerIsKeptWithinTheTimeoutAndMovesJustPastIt() {
    InstanceDirectory m = new InstanceDirectory(TIMEOUT);
    m.seen("relay-1", 0);
    m.seen("relay-2", 0);
    String event = null;
    for (String e : events(100)) {
      if (m.owner(e, 0).equals("relay-2")) {
        event = e;
        break;
      }
    }
    assertNotNull(event);
    m.seen("relay-1", TIMEOUT);
    assertEquals("relay-2", m.owner(event, TIMEOUT), "exactly at the timeout: still alive");
    m.seen("relay-1", TIMEOUT + 1);
    assertEquals("relay-1", m.owner(event, TIMEOUT + 1), "past the timeout: moved");
  }

  @Test
  void aReturningRelayGetsItsEventsBack() {
    InstanceDirectory m = new InstanceDirectory(TIMEOUT);
    m.seen("relay-1", 0);
    m.seen("relay-2", 0);
    Map<String, String> before = new HashMap<>();
    for (String e : events(100)) {
      before.put(e, m.owner(e, 0));
    }
    long later = 5 * TIMEOUT;
    m.seen("relay-1", later);
    for (String e : before.keySet()) {
      assertEquals("relay-1", m.owner(e, later));
    }
    m.seen("relay-2", later);
    for (Map.Entry<String, String> e : before.entrySet()) {
      assertEquals(e.getValue(), m.owner(e.getKey(), later));
    }
  }
}
