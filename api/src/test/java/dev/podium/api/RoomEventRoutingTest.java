package dev.podium.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A room event's delivery headers read back as the publisher wrote them, in the names gateways already read. */
class RoomEventRoutingTest {

  @Test
  void everyRoutingReadsBackAsWritten() {
    List<RoomEventRouting> routings = List.of(
        RoomEventRouting.ROOM,
        RoomEventRouting.ROOM.toUser("bob"),
        RoomEventRouting.ROOM.exceptUser("alice"),
        RoomEventRouting.ROOM.toUser("bob").closingRecipients(true),
        RoomEventRouting.ROOM.withRole("carol", "cohost"),
        RoomEventRouting.ROOM.withMute("carol", true),
        RoomEventRouting.ROOM.withMute("carol", false),
        RoomEventRouting.ROOM.withMode("screen"),
        RoomEventRouting.ROOM.toUser("bob").closingRecipients(true).withRole("bob", "listener").withMute("bob", false)
            .withMode("audio"));
    for (RoomEventRouting routing : routings) {
      assertEquals(routing, RoomEventRouting.from(routing.toDeliveryOptions().getHeaders()), routing.toString());
    }
  }

  @Test
  void theHeadersAreTheOnesGatewaysAlreadyRead() {
    // A node of the previous version on either side must still understand these.
    assertEquals(Map.of("to-user", "bob", "close-recipients", "true", "role-user", "bob", "role", "listener",
            "muted-user", "bob", "muted", "false", "mode", "audio"),
        headers(RoomEventRouting.ROOM.toUser("bob").closingRecipients(true).withRole("bob", "listener")
            .withMute("bob", false).withMode("audio").toDeliveryOptions().getHeaders()));
    assertEquals(Map.of("except-user", "alice", "muted-user", "carol", "muted", "true"),
        headers(RoomEventRouting.ROOM.exceptUser("alice").withMute("carol", true).toDeliveryOptions().getHeaders()));
  }

  @Test
  void aMessageForTheWholeRoomCarriesNoHeaderAndNoHeaderIsTheWholeRoom() {
    assertTrue(RoomEventRouting.ROOM.toDeliveryOptions().getHeaders() == null
        || RoomEventRouting.ROOM.toDeliveryOptions().getHeaders().isEmpty());
    assertSame(RoomEventRouting.ROOM, RoomEventRouting.from(null));
    assertSame(RoomEventRouting.ROOM, RoomEventRouting.from(MultiMap.caseInsensitiveMultiMap()));
    // null arguments change nothing
    assertEquals(RoomEventRouting.ROOM, RoomEventRouting.ROOM.toUser(null).withMute(null, true).withMode(null));
  }

  @Test
  void flagsAreSetOnlyByTrueAndRoleAndMuteOnlyWithTheirUser() {
    RoomEventRouting odd = RoomEventRouting.from(MultiMap.caseInsensitiveMultiMap()
        .add("close-recipients", "yes").add("muted", "true").add("role", "host"));
    assertEquals(RoomEventRouting.ROOM, odd);
    RoomEventRouting muted = RoomEventRouting.from(MultiMap.caseInsensitiveMultiMap()
        .add("muted-user", "carol").add("muted", "TRUE"));
    assertEquals("carol", muted.mutedUser());
    assertEquals(false, muted.muted());
    assertNull(muted.roleUser());
  }

  private static Map<String, String> headers(MultiMap headers) {
    Map<String, String> out = new TreeMap<>();
    headers.forEach(e -> out.put(e.getKey(), e.getValue()));
    assertEquals(out.size(), headers.size(), "each header once");
    return out;
  }
}
