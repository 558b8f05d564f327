package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.presence.Participant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MembershipsTest {
  private static final String EVENT = "ev1";

  private final Memberships members = new Memberships();

  private static Participant p(String userId, String role, String node, String session) {
    return new Participant(userId, "name-" + userId, role, true, node, session);
  }

  private static Participant listener(String userId) {
    return p(userId, Participant.ROLE_LISTENER, "node-a", "s-" + userId);
  }

  private static List<String> userIds(JsonArray entries) {
    return entries.stream().map(o -> ((JsonObject) o).getString("user_id")).toList();
  }

  @Test
  void joinAddsOneEntryPerUser() {
    Memberships.Joined first = members.join(EVENT, listener("u1"));
    assertTrue(first.previous().isEmpty());
    members.join(EVENT, listener("u2"));
    assertEquals(2, members.count(EVENT));
    assertEquals(0, members.count("other"));
  }

  @Test
  void replacingKeepsThePositionAndReturnsThePrevious() {
    Participant old = listener("u1");
    members.join(EVENT, old);
    members.join(EVENT, listener("u2"));
    members.join(EVENT, listener("u3"));
    Participant moved = old.withConnection("node-b", "s-new");
    Memberships.Joined again = members.join(EVENT, moved);
    assertSame(old, again.previous().orElseThrow());
    assertSame(moved, again.current());
    assertEquals(3, members.count(EVENT));
    assertEquals(
        List.of("u1", "u2", "u3"),
        userIds(members.page(EVENT, 0, 10).getJsonArray("participants")));
    // the entry now belongs to the new socket
    assertTrue(members.leave(EVENT, "u1", "s-u1").isEmpty());
    assertEquals(Optional.of(moved), members.leave(EVENT, "u1", "s-new"));
  }

  @Test
  void leaveWithAStaleSessionDoesNothing() {
    members.join(EVENT, listener("u1"));
    assertTrue(members.leave(EVENT, "u1", "some-old-session").isEmpty());
    assertEquals(1, members.count(EVENT));
  }

  @Test
  void leaveOfUnknownUserOrEventDoesNothing() {
    members.join(EVENT, listener("u1"));
    assertTrue(members.leave(EVENT, "u2", "s-u2").isEmpty());
    assertTrue(members.leave("other", "u1", "s-u1").isEmpty());
    assertEquals(1, members.count(EVENT));
  }

  @Test
  void leaveWithTheCurrentSessionRemoves() {
    Participant u1 = listener("u1");
    members.join(EVENT, u1);
    members.join(EVENT, listener("u2"));
    assertEquals(Optional.of(u1), members.leave(EVENT, "u1", "s-u1"));
    assertEquals(1, members.count(EVENT));
    assertEquals(List.of("u2"), userIds(members.page(EVENT, 0, 10).getJsonArray("participants")));
    members.leave(EVENT, "u2", "s-u2");
    assertEquals(0, members.count(EVENT));
  }

  @Test
  void removeNodeRemovesOnlyThatNodesParticipants() {
    members.join("ev1", p("a1", Participant.ROLE_HOST, "node-a", "s1"));
    members.join("ev1", p("b1", Participant.ROLE_LISTENER, "node-b", "s2"));
    members.join("ev2", p("a2", Participant.ROLE_LISTENER, "node-a", "s3"));
    members.join("ev3", p("b2", Participant.ROLE_LISTENER, "node-b", "s4"));

    List<Memberships.Removed> removed = members.removeNode("node-a");

    assertEquals(2, removed.size());
    assertTrue(
        removed.stream()
            .anyMatch(r -> r.eventId().equals("ev1") && r.participant().userId().equals("a1")));
    assertTrue(
        removed.stream()
            .anyMatch(r -> r.eventId().equals("ev2") && r.participant().userId().equals("a2")));
    assertEquals(1, members.count("ev1"));
    assertEquals(0, members.count("ev2"));
    assertEquals(1, members.count("ev3"));
    assertEquals(List.of("b1"), userIds(members.page("ev1", 0, 10).getJsonArray("participants")));
    assertTrue(members.removeNode("node-a").isEmpty());
    assertTrue(members.removeNode("node-unknown").isEmpty());
  }

  @Test
  void listMessageOrdersHostCohostsListeners() {
    members.join(EVENT, listener("l1"));
    members.join(EVENT, p("c1", Participant.ROLE_COHOST, "node-a", "sc1"));
    members.join(EVENT, listener("l2"));
    members.join(EVENT, p("h", Participant.ROLE_HOST, "node-a", "sh"));
    members.join(EVENT, p("c2", Participant.ROLE_COHOST, "node-a", "sc2"));
    members.join(EVENT, listener("l3"));

    JsonObject list = members.listMessage(EVENT, 100);
    assertEquals("participant_list", list.getString("type"));
    assertEquals(
        List.of("h", "c1", "c2", "l1", "l2", "l3"), userIds(list.getJsonArray("participants")));
    assertEquals(6, list.getInteger("total"));
    assertFalse(list.getBoolean("truncated"));

    JsonObject host = list.getJsonArray("participants").getJsonObject(0);
    assertEquals(
        new JsonObject()
            .put("user_id", "h")
            .put("username", "name-h")
            .put("is_cohost", false)
            .put("role", "host"),
        host);
    JsonObject cohost = list.getJsonArray("participants").getJsonObject(1);
    assertTrue(cohost.getBoolean("is_cohost"));
    assertEquals("cohost", cohost.getString("role"));
    // entries never expose the socket
    assertFalse(host.containsKey("session_id"));
    assertFalse(host.containsKey("node_id"));
  }

  @Test
  void listMessageTruncatesAtTheCap() {
    members.join(EVENT, listener("l1"));
    members.join(EVENT, listener("l2"));
    members.join(EVENT, p("h", Participant.ROLE_HOST, "node-a", "sh"));
    members.join(EVENT, listener("l3"));
    members.join(EVENT, p("c1", Participant.ROLE_COHOST, "node-a", "sc1"));

    JsonObject list = members.listMessage(EVENT, 3);
    assertEquals(List.of("h", "c1", "l1"), userIds(list.getJsonArray("participants")));
    assertEquals(5, list.getInteger("total"));
    assertTrue(list.getBoolean("truncated"));

    JsonObject exact = members.listMessage(EVENT, 5);
    assertEquals(5, exact.getJsonArray("participants").size());
    assertFalse(exact.getBoolean("truncated"));
  }

  /**
   * The list's entries are kept between joins (a listener joining a room above the cap does not
   * change them): after every kind of change, in a random order, the list must still be what the
   * room's order gives (the page, which is built afresh), as text and as an event-bus body.
   */
  @Test
  void theListFollowsEveryChangeAroundTheCap() {
    java.util.Random random = new java.util.Random(12);
    int cap = 3;
    List<String> roles =
        List.of(Participant.ROLE_LISTENER, Participant.ROLE_COHOST, Participant.ROLE_HOST);
    for (int step = 0; step < 3_000; step++) {
      String user = "u" + random.nextInt(9);
      switch (random.nextInt(8)) {
        case 0, 1, 2 -> members.join(EVENT, listener(user));
        case 3 -> members.join(EVENT, p(user, roles.get(random.nextInt(3)), "node-a", "s-" + user));
        case 4 ->
            members.join(
                EVENT,
                new Participant(user, "renamed-" + step, "listener", true, "node-b", "s-" + user));
        case 5 ->
            members.find(EVENT, user).ifPresent(m -> members.leave(EVENT, user, m.sessionId()));
        case 6 -> members.setRole(EVENT, user, roles.get(random.nextInt(2)));
        default -> {
          if (random.nextBoolean()) {
            members.removeNode("node-b");
          } else {
            members.restore(EVENT, members.members(EVENT));
          }
        }
      }
      JsonArray expected = members.page(EVENT, 0, cap).getJsonArray("participants");
      int total = members.count(EVENT);
      JsonObject text = new JsonObject(members.listText(EVENT, cap));
      JsonObject body = members.listMessage(EVENT, cap);
      for (JsonObject list : List.of(text, body)) {
        assertEquals("participant_list", list.getString("type"));
        assertEquals(expected, list.getJsonArray("participants"), "step " + step);
        assertEquals(total, list.getInteger("total"), "step " + step);
        assertEquals(total > cap, list.getBoolean("truncated"), "step " + step);
      }
    }
  }

  @Test
  void listMessageOfEmptyEvent() {
    JsonObject list = members.listMessage("nobody-here", 10);
    assertTrue(list.getJsonArray("participants").isEmpty());
    assertEquals(0, list.getInteger("total"));
    assertFalse(list.getBoolean("truncated"));
  }

  @Test
  void pageUsesOffsetAndLimitInListOrder() {
    members.join(EVENT, listener("l1"));
    members.join(EVENT, listener("l2"));
    members.join(EVENT, p("h", Participant.ROLE_HOST, "node-a", "sh"));
    members.join(EVENT, listener("l3"));

    JsonObject page = members.page(EVENT, 1, 2);
    assertEquals(List.of("l1", "l2"), userIds(page.getJsonArray("participants")));
    assertEquals(1, page.getInteger("offset"));
    assertEquals(2, page.getInteger("limit"));
    assertEquals(4, page.getInteger("total"));

    assertEquals(List.of("l3"), userIds(members.page(EVENT, 3, 2).getJsonArray("participants")));
    assertTrue(members.page(EVENT, 10, 2).getJsonArray("participants").isEmpty());
    assertEquals(4, members.page(EVENT, 10, 2).getInteger("total"));
    assertTrue(members.page(EVENT, Integer.MAX_VALUE, 500).getJsonArray("participants").isEmpty());
    assertEquals(0, members.page("other", 0, 10).getInteger("total"));
  }

  @Test
  void dropEventForgetsEveryone() {
    members.join(EVENT, listener("l1"));
    members.join("ev2", listener("l1"));
    members.dropEvent(EVENT);
    assertEquals(0, members.count(EVENT));
    assertEquals(1, members.count("ev2"));
  }

  @Test
  void restoreReplacesOneEventInJoinOrderAndLeavesTheOthersAlone() {
    members.join(EVENT, listener("stale"));
    members.join("ev2", listener("other"));

    members.restore(
        EVENT,
        List.of(listener("u2"), p("h", Participant.ROLE_HOST, "node-b", "s-h"), listener("u1")));

    assertEquals(
        List.of("u2", "h", "u1"),
        members.members(EVENT).stream().map(Participant::userId).toList());
    assertEquals(
        List.of("h", "u2", "u1"),
        userIds(members.page(EVENT, 0, 10).getJsonArray("participants")),
        "the host first, then listeners in join order");
    assertEquals(1, members.count("ev2"));
    members.restore(EVENT, List.of());
    assertEquals(0, members.count(EVENT));
    assertTrue(members.members(EVENT).isEmpty());
  }
}
