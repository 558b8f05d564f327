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

/**
 * A room message's delivery headers read back as the publisher wrote them, in the names gateways
 * already read.
 */
class RoomMessageRoutingTest {

  @Test
  void everyRoutingReadsBackAsWritten() {
    List<RoomMessageRouting> routings =
        List.of(
            RoomMessageRouting.ROOM,
            RoomMessageRouting.ROOM.toUser("bob"),
            RoomMessageRouting.ROOM.exceptUser("alice"),
            RoomMessageRouting.ROOM.toUser("bob").closingRecipients(true),
            RoomMessageRouting.ROOM.withRole("carol", "cohost"),
            RoomMessageRouting.ROOM.withMute("carol", true),
            RoomMessageRouting.ROOM.withMute("carol", false),
            RoomMessageRouting.ROOM.withMode("screen"),
            RoomMessageRouting.ROOM
                .toUser("bob")
                .closingRecipients(true)
                .withRole("bob", "listener")
                .withMute("bob", false)
                .withMode("audio"));
    for (RoomMessageRouting routing : routings) {
      assertEquals(
          routing,
          RoomMessageRouting.from(routing.toDeliveryOptions().getHeaders()),
          routing.toString());
    }
  }

  @Test
  void theHeadersAreTheOnesGatewaysAlreadyRead() {
    // A node of the previous version on either side must still understand these.
    assertEquals(
        Map.of(
            "to-user",
            "bob",
            "close-recipients",
            "true",
            "role-user",
            "bob",
            "role",
            "listener",
            "muted-user",
            "bob",
            "muted",
            "false",
            "mode",
            "audio"),
        headers(
            RoomMessageRouting.ROOM
                .toUser("bob")
                .closingRecipients(true)
                .withRole("bob", "listener")
                .withMute("bob", false)
                .withMode("audio")
                .toDeliveryOptions()
                .getHeaders()));
    assertEquals(
        Map.of("except-user", "alice", "muted-user", "carol", "muted", "true"),
        headers(
            RoomMessageRouting.ROOM
                .exceptUser("alice")
                .withMute("carol", true)
                .toDeliveryOptions()
                .getHeaders()));
  }

  @Test
  void aMessageForTheWholeRoomCarriesNoHeaderAndNoHeaderIsTheWholeRoom() {
    assertTrue(
        RoomMessageRouting.ROOM.toDeliveryOptions().getHeaders() == null
            || RoomMessageRouting.ROOM.toDeliveryOptions().getHeaders().isEmpty());
    assertSame(RoomMessageRouting.ROOM, RoomMessageRouting.from(null));
    assertSame(
        RoomMessageRouting.ROOM, RoomMessageRouting.from(MultiMap.caseInsensitiveMultiMap()));
    // null arguments change nothing
    assertEquals(
        RoomMessageRouting.ROOM,
        RoomMessageRouting.ROOM.toUser(null).withMute(null, true).withMode(null));
  }

  @Test
  void flagsAreSetOnlyByTrueAndRoleAndMuteOnlyWithTheirUser() {
    RoomMessageRouting odd =
        RoomMessageRouting.from(
            MultiMap.caseInsensitiveMultiMap()
                .add("close-recipients", "yes")
                .add("muted", "true")
                .add("role", "host"));
    assertEquals(RoomMessageRouting.ROOM, odd);
    RoomMessageRouting muted =
        RoomMessageRouting.from(
            MultiMap.caseInsensitiveMultiMap().add("muted-user", "carol").add("muted", "TRUE"));
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
