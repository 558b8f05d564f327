package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.ResyncBatch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ResyncsTest {
  private static final String EVENT = "ev1";

  private final Memberships members = new Memberships();
  private final List<String> changed = new ArrayList<>();
  private final List<String> departedUsers = new ArrayList<>();
  private final List<String> rejoinedUsers = new ArrayList<>();
  private Resyncs resyncs;

  @BeforeEach
  void setUp(Vertx vertx) {
    resyncs =
        new Resyncs(
            vertx,
            "reply-here",
            members,
            changed::add,
            (eventId, p) -> departedUsers.add(p.userId()),
            (eventId, p) -> rejoinedUsers.add(p.userId()));
  }

  private static Participant p(String userId, String node) {
    return new Participant(
        userId, "name-" + userId, Participant.ROLE_LISTENER, true, node, "s-" + userId);
  }

  /** A batch as a gateway's body: read through the api's one parser, as the verticle reads it. */
  private static ResyncBatch batch(String node, boolean done, Participant... sessions) {
    return ResyncBatch.fromJson(json(node, done, sessions));
  }

  private static JsonObject json(String node, boolean done, Participant... sessions) {
    JsonArray list = new JsonArray();
    for (Participant s : sessions) {
      list.add(s.toJson());
    }
    return new JsonObject()
        .put("event_id", EVENT)
        .put("node_id", node)
        .put("participants", list)
        .put("done", done);
  }

  private List<String> order() {
    return members.members(EVENT).stream().map(Participant::userId).toList();
  }

  /** Takes the event in with these members, as the service does from the cluster copy. */
  private void takeIn(Participant... stored) {
    members.restore(EVENT, List.of(stored));
    resyncs.start(EVENT, List.of(stored));
  }

  @Test
  void asksEveryGatewayWithItsReplyAddress(Vertx vertx, VertxTestContext test) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.PRESENCE_RESYNC,
            msg ->
                test.verify(
                    () -> {
                      assertEquals(EVENT, msg.body().getString("event_id"));
                      assertEquals("reply-here", msg.body().getString("reply_to"));
                      test.completeNow();
                    }))
        .completion()
        .onSuccess(v -> takeIn(p("a", "n1")));
  }

  @Test
  void aLostJoinIsAddedAtTheEndAndPresentMembersKeepTheirEntry() {
    takeIn(p("a", "n1"), p("b", "n2"));
    Participant aAsGatewaySees =
        new Participant("a", "other", Participant.ROLE_LISTENER, true, "n1", "s-a");
    assertTrue(resyncs.batch(batch("n1", true, aAsGatewaySees, p("c", "n1"))));
    assertEquals(List.of("a", "b", "c"), order());
    assertEquals("name-a", members.find(EVENT, "a").orElseThrow().username(), "a keeps its entry");
    assertEquals(List.of(EVENT), changed, "one list update for the batch");
    assertEquals(1, resyncs.added());
    assertEquals(List.of("c"), rejoinedUsers, "only the member added back is reported");
  }

  /**
   * A gateway node cut off from presence's side lost its members (their node was removed as dead);
   * heard again, presence asks once more with the members it has now, and the batch brings them
   * back, the host included, each reported so the room-service cancels the host's grace.
   */
  @Test
  void membersOfANodeRemovedWhileCutOffComeBackWithTheirRoles() {
    takeIn(p("b", "n2"));
    Participant host = new Participant("h", "Hosty", Participant.ROLE_HOST, true, "n1", "s-h");
    assertTrue(resyncs.batch(batch("n1", true, host, p("a", "n1"))));
    assertEquals(List.of("b", "h", "a"), order());
    assertEquals(Participant.ROLE_HOST, members.find(EVENT, "h").orElseThrow().role());
    assertEquals(List.of("h", "a"), rejoinedUsers);
    assertTrue(resyncs.batch(batch("n2", true, p("b", "n2"))));
    assertEquals(List.of("b", "h", "a"), order(), "the node still there loses nobody");
  }

  @Test
  void aRoleChangeThePreviousOwnerHadNotWrittenIsTakenFromTheGateway() {
    // The copy has a as a listener; the stage made a a co-host just before the owner died, and
    // the gateway (told by the room message) knows it.
    takeIn(p("a", "n1"), p("b", "n1"));
    Participant aPromoted =
        new Participant("a", "name-a", Participant.ROLE_COHOST, true, "n1", "s-a");
    assertTrue(resyncs.batch(batch("n1", true, aPromoted, p("b", "n1"))));
    assertEquals(Participant.ROLE_COHOST, members.find(EVENT, "a").orElseThrow().role());
    assertEquals(1, resyncs.roles());
    assertEquals(List.of(EVENT), changed, "the room's list is due");
    assertEquals(List.of("a", "b"), order(), "a keeps its place");
  }

  @Test
  void aRoleSetSinceTheTakeInIsNotUndoneByABatchAndTheHostsRoleNeverComesFromOne() {
    Participant host = new Participant("h", "name-h", Participant.ROLE_HOST, true, "n1", "s-h");
    takeIn(host, p("a", "n1"), p("b", "n1"));
    // The room-service made a a co-host after the take-in; a batch formed earlier still says
    // listener.
    members.setRole(EVENT, "a", Participant.ROLE_COHOST);
    resyncs.roleSet(EVENT, "a");
    Participant hostDemoted =
        new Participant("h", "name-h", Participant.ROLE_LISTENER, true, "n1", "s-h");
    Participant bAsHost = new Participant("b", "name-b", Participant.ROLE_HOST, true, "n1", "s-b");
    Participant aOldSession =
        new Participant("a", "name-a", Participant.ROLE_LISTENER, true, "n1", "s-a");
    assertTrue(resyncs.batch(batch("n1", true, hostDemoted, aOldSession, bAsHost)));
    assertEquals(Participant.ROLE_COHOST, members.find(EVENT, "a").orElseThrow().role());
    assertEquals(Participant.ROLE_HOST, members.find(EVENT, "h").orElseThrow().role());
    assertEquals(Participant.ROLE_LISTENER, members.find(EVENT, "b").orElseThrow().role());
    assertEquals(0, resyncs.roles());
    assertTrue(changed.isEmpty(), "nothing changed");
  }

  @Test
  void aRoleReportedForAnotherSessionOfTheUserIsNotTaken() {
    takeIn(p("a", "n1"));
    Participant otherSocket =
        new Participant("a", "name-a", Participant.ROLE_COHOST, true, "n1", "s-other");
    assertTrue(resyncs.batch(batch("n1", false, otherSocket)));
    assertEquals(Participant.ROLE_LISTENER, members.find(EVENT, "a").orElseThrow().role());
    assertEquals(0, resyncs.roles());
  }

  @Test
  void aUserPresentWithANewerSessionIsNotReplacedByTheOldOne() {
    takeIn(p("a", "n1"));
    members.join(
        EVENT, new Participant("a", "name-a", Participant.ROLE_LISTENER, true, "n2", "s-new"));
    resyncs.batch(batch("n1", false, p("a", "n1")));
    assertEquals("s-new", members.find(EVENT, "a").orElseThrow().sessionId());
    assertTrue(changed.isEmpty(), "nothing changed, no list update");
  }

  @Test
  void aLostLeaveIsHealedWhenTheNodeIsDoneButNotMembersJoinedSinceTheTakeIn() {
    takeIn(p("a", "n1"), p("b", "n1"), p("x", "n2"));
    members.join(EVENT, p("c", "n1"));
    assertTrue(resyncs.batch(batch("n1", false, p("a", "n1"))));
    assertEquals(List.of("a", "b", "x", "c"), order(), "nothing removed before the node is done");
    assertTrue(resyncs.batch(batch("n1", true)));
    assertEquals(
        List.of("a", "x", "c"), order(), "b's leave healed; c joined after the take-in and stays");
    assertEquals(1, resyncs.removed());
    assertEquals(
        List.of("b"),
        departedUsers,
        "the room is told b left (a leave made during the handover was never announced)");
    assertEquals(List.of(EVENT), changed);
  }

  @Test
  void aSessionWhoseJoinIsInFlightIsNeitherAddedNorDropped() {
    takeIn(p("a", "n1"));
    JsonObject batch = json("n1", true, p("b", "n1"));
    batch.getJsonArray("participants").add(p("a", "n1").toJson().put("joining", true));
    batch.getJsonArray("participants").getJsonObject(0).put("joining", true);
    assertTrue(resyncs.batch(ResyncBatch.fromJson(batch)));
    assertEquals(
        List.of("a"), order(), "b's own join will add it; a's answer is on its way, a stays");
    assertTrue(changed.isEmpty());
  }

  @Test
  void aSessionThatLeftDuringTheResyncIsNotBroughtBack() {
    takeIn(p("a", "n1"));
    resyncs.left(EVENT, "s-c");
    resyncs.batch(batch("n1", true, p("a", "n1"), p("c", "n1")));
    assertEquals(List.of("a"), order());
  }

  @Test
  void batchesAreRefusedWithoutAnOpenResyncAndForeignSessionsIgnored() {
    // Malformed and oversized bodies never get here: ResyncBatchTest in api refuses them.
    assertFalse(resyncs.batch(batch("n1", true, p("a", "n1"))), "no resync open");
    takeIn(p("a", "n1"));
    // A session claimed by another node than the sender's is ignored.
    assertTrue(resyncs.batch(batch("n1", false, p("z", "n9"))));
    assertEquals(List.of("a"), order());
    resyncs.forget(EVENT);
    assertFalse(resyncs.batch(batch("n1", true, p("c", "n1"))), "forgotten with the event");
    assertEquals(List.of("a"), order());
  }
}
