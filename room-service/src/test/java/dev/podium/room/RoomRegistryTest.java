package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.room.LiveEvent;
import dev.podium.testkit.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private final Clock fixed = Clock.fixed(T0, ZoneOffset.UTC);

  @Test
  void goLiveCreatesAnEvent() {
    RoomRegistry registry = new RoomRegistry(fixed, 10);
    RoomRegistry.GoLive result = registry.goLive("u1", "Alice");
    assertFalse(result.resumed());
    LiveEvent event = result.event();
    assertTrue(event.eventId().matches("[a-km-np-z2-9]{12}"), event.eventId());
    assertEquals("u1", event.hostUserId());
    assertEquals("Alice", event.hostUsername());
    assertEquals(T0.toString(), event.startedAt());
    assertEquals("audio", event.mode());
    assertFalse(event.resumed());
    assertTrue(result.room().awayTimers().isEmpty());
  }

  @Test
  void secondGoLiveOfTheSameHostResumesTheSameEvent() {
    RoomRegistry registry = new RoomRegistry(fixed, 10);
    RoomRegistry.GoLive first = registry.goLive("u1", "Alice");
    RoomRegistry.GoLive second = registry.goLive("u1", "Alice again");
    assertTrue(second.resumed());
    assertSame(first.room(), second.room());
    assertEquals(first.event().eventId(), second.event().eventId());
    assertTrue(second.event().resumed());
    assertEquals("Alice", second.event().hostUsername());
    assertEquals(1, registry.live().size());
  }

  @Test
  void differentHostsGetDifferentEvents() {
    RoomRegistry registry = new RoomRegistry(fixed, 10);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ids.add(registry.goLive("u" + i, "user " + i).event().eventId());
    }
    assertEquals(200, ids.size());
    assertEquals(200, registry.live().size());
  }

  @Test
  void findReturnsOnlyLiveEvents() {
    RoomRegistry registry = new RoomRegistry(fixed, 10);
    String id = registry.goLive("u1", "Alice").event().eventId();
    assertEquals("u1", registry.find(id).orElseThrow().hostUserId());
    assertTrue(registry.find("no-such-event").isEmpty());
  }

  @Test
  void removeEndsTheEventAndFreesTheHost() {
    RoomRegistry registry = new RoomRegistry(fixed, 10);
    String id = registry.goLive("u1", "Alice").event().eventId();
    assertEquals(id, registry.remove(id).orElseThrow().eventId());
    assertTrue(registry.find(id).isEmpty());
    assertTrue(registry.remove(id).isEmpty());
    assertTrue(registry.live().isEmpty());

    RoomRegistry.GoLive again = registry.goLive("u1", "Alice");
    assertFalse(again.resumed());
    assertNotEquals(id, again.event().eventId());
  }

  @Test
  void removeOfUnknownEventChangesNothing() {
    RoomRegistry registry = new RoomRegistry(fixed, 10);
    String id = registry.goLive("u1", "Alice").event().eventId();
    assertTrue(registry.remove("unknown").isEmpty());
    assertTrue(registry.find(id).isPresent());
    assertTrue(registry.goLive("u1", "Alice").resumed());
  }

  @Test
  void liveListsEventsInStartOrder() {
    ManualClock clock = new ManualClock(T0);
    RoomRegistry registry = new RoomRegistry(clock, 10);
    String[] hosts = {"zed", "amy", "mo", "bob", "kim"};
    for (String host : hosts) {
      registry.goLive(host, host);
      clock.advance(Duration.ofSeconds(1));
    }
    List<LiveEvent> live = registry.live();
    assertEquals(List.of(hosts), live.stream().map(LiveEvent::hostUserId).toList());
    assertTrue(live.stream().noneMatch(LiveEvent::resumed));
    assertEquals(T0.toString(), live.get(0).startedAt());
  }

  @Test
  void liveOrdersEventsStartedWithinTheSameSecond() {
    ManualClock clock = new ManualClock(T0);
    RoomRegistry registry = new RoomRegistry(clock, 10);
    registry.goLive("first", "first");
    clock.advance(Duration.ofMillis(500));
    registry.goLive("second", "second");
    assertEquals(
        List.of("first", "second"), registry.live().stream().map(LiveEvent::hostUserId).toList());
  }
}
