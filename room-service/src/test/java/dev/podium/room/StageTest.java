package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.podium.api.ErrorCode;
import dev.podium.room.Stage.Effect;
import dev.podium.room.Stage.Outcome;
import dev.podium.room.Stage.Person;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of {@link Stage}, without Vert.x: what each operation does and every refusal. */
class StageTest {
  private static final String HOST = "h";
  private static final long TTL = 60_000;

  private static final Person ALICE = new Person("a", "Alice", true, true);
  private static final Person BOB = new Person("b", "Bob", true, true);
  private static final Person CAROL = new Person("c", "Carol", true, true);
  private static final Person DAVE = new Person("d", "Dave", true, true);
  private static final Person GUEST = new Person("g", "Guest", false, true);

  /** What the service passes for a user presence does not know. */
  private static final Person ABSENT = new Person("x", "x", false, false);

  private static final Person HOST_PERSON = new Person(HOST, "Host", true, true);

  /**
   * "Now" for the stage. Stage.stateFor compares invitations with the wall clock, so the test's
   * time starts there; every operation gets its time explicitly.
   */
  private long now;

  /** Co-host limit 2, so the limit is easy to reach. */
  private Stage stage;

  @BeforeEach
  void setUp() {
    now = System.currentTimeMillis();
    stage = new Stage(HOST, "Host", 2);
  }

  // --- helpers ------------------------------------------------------------------------------

  /** The code of the refusal {@code operation} throws; fails the test if it does not throw one. */
  private static ErrorCode refusal(Runnable operation) {
    ServiceException e = assertThrows(ServiceException.class, operation::run);
    return ErrorCode.of(e);
  }

  /** Asserts the refusal's code and that the refusal changed nothing anyone can see. */
  private void assertRefused(ErrorCode expected, Runnable operation) {
    JsonObject before = snapshot();
    assertEquals(expected, refusal(operation));
    assertEquals(before, snapshot(), "a refused operation must change nothing");
  }

  /** Everything observable for the users of these tests. */
  private JsonObject snapshot() {
    JsonObject all = new JsonObject();
    for (String id : List.of(HOST, "a", "b", "c", "d", "g", "x")) {
      all.put(
          id, stage.stateFor(id).put("muted", stage.isMuted(id)).put("cohost", stage.isCohost(id)));
    }
    return all;
  }

  private void makeCohost(Person who) {
    stage.invite(HOST, who, now, TTL);
    stage.accept(who.userId(), now);
    assertTrue(stage.isCohost(who.userId()));
  }

  private static Effect only(Outcome outcome) {
    assertEquals(1, outcome.effects().size(), () -> "effects: " + outcome.effects());
    return outcome.effects().get(0);
  }

  private static void assertToRoom(Effect effect, String type) {
    assertNull(effect.toUser(), "to the whole room");
    assertFalse(effect.closeRecipients());
    assertEquals(type, effect.json().getString("type"));
  }

  private static void assertToUser(Effect effect, String user, String type) {
    assertEquals(user, effect.toUser());
    assertFalse(effect.closeRecipients());
    assertEquals(type, effect.json().getString("type"));
  }

  private List<String> cohostIds() {
    List<String> ids = new ArrayList<>();
    stage
        .stateFor(HOST)
        .getJsonArray("cohosts")
        .forEach(o -> ids.add(((JsonObject) o).getString("user_id")));
    return ids;
  }

  private List<String> requestIds() {
    List<String> ids = new ArrayList<>();
    stage
        .stateFor(HOST)
        .getJsonArray("speak_requests")
        .forEach(o -> ids.add(((JsonObject) o).getString("participant_id")));
    return ids;
  }

  // --- initial state ------------------------------------------------------------------------

  @Test
  void aNewStageIsAudioWithNobodyOnIt() {
    assertEquals("audio", stage.mode());
    JsonObject hostState = stage.stateFor(HOST);
    assertEquals(
        new JsonObject()
            .put("mode", "audio")
            .put("cohosts", new JsonArray())
            .put("speak_requests", new JsonArray()),
        hostState);
    assertEquals(
        new JsonObject().put("mode", "audio").put("cohosts", new JsonArray()), stage.stateFor("a"));
    assertFalse(stage.isCohost(HOST));
  }

  // --- invite -------------------------------------------------------------------------------

  @Nested
  class Invite {
    @Test
    void byNonHostIsNotHost() {
      assertRefused(ErrorCode.NOT_HOST, () -> stage.invite("a", BOB, now, TTL));
      makeCohost(ALICE);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.invite("a", BOB, now, TTL));
      assertRefused(ErrorCode.NOT_HOST, () -> stage.invite("g", BOB, now, TTL));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("b", now)));
    }

    @Test
    void ofAbsentTargetIsNotInRoom() {
      assertRefused(ErrorCode.NOT_IN_ROOM, () -> stage.invite(HOST, ABSENT, now, TTL));
      // a signed-in user who is not connected either
      assertRefused(
          ErrorCode.NOT_IN_ROOM,
          () -> stage.invite(HOST, new Person("b", "Bob", true, false), now, TTL));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("x", now)));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("b", now)));
    }

    @Test
    void ofGuestIsGuestCannotSpeak() {
      assertRefused(ErrorCode.GUEST_CANNOT_SPEAK, () -> stage.invite(HOST, GUEST, now, TTL));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("g", now)));
    }

    @Test
    void ofCohostOrHostIsAlreadyCohost() {
      makeCohost(ALICE);
      assertRefused(ErrorCode.ALREADY_COHOST, () -> stage.invite(HOST, ALICE, now, TTL));
      assertRefused(ErrorCode.ALREADY_COHOST, () -> stage.invite(HOST, HOST_PERSON, now, TTL));
      assertFalse(stage.isCohost(HOST));
    }

    @Test
    void whenFullIsCohostLimit() {
      makeCohost(ALICE);
      makeCohost(BOB);
      assertRefused(ErrorCode.COHOST_LIMIT, () -> stage.invite(HOST, CAROL, now, TTL));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("c", now)));
      // a place frees up: the invitation is possible again
      stage.leave("a", " stepped down.");
      stage.invite(HOST, CAROL, now, TTL);
      stage.accept("c", now);
      assertEquals(List.of("b", "c"), cohostIds());
    }

    @Test
    void goesToTheTargetAlone() {
      Outcome outcome = stage.invite(HOST, ALICE, now, TTL);
      Effect effect = only(outcome);
      assertToUser(effect, "a", "cohost_invite");
      assertEquals(
          new JsonObject()
              .put("type", "cohost_invite")
              .put("message", "You have been invited to co-host.")
              .put("from", new JsonObject().put("user_id", HOST).put("username", "Host"))
              .put("expires_in", 60L),
          effect.json());
      assertTrue(outcome.roleChanges().isEmpty());
      assertFalse(stage.isCohost("a"), "an invitation is not a role");
      assertEquals(Boolean.TRUE, stage.stateFor("a").getBoolean("pending_invite"));
      assertFalse(stage.stateFor("b").containsKey("pending_invite"));
      assertFalse(stage.stateFor(HOST).containsKey("pending_invite"));
    }

    @Test
    void expiresInIsWholeSecondsAtLeastOne() {
      assertEquals(2L, only(stage.invite(HOST, ALICE, now, 1_500)).json().getLong("expires_in"));
      assertEquals(1L, only(stage.invite(HOST, BOB, now, 200)).json().getLong("expires_in"));
      assertEquals(10L, only(stage.invite(HOST, CAROL, now, 10_000)).json().getLong("expires_in"));
    }

    @Test
    void clearsTheTargetsRequestToSpeak() {
      stage.requestToSpeak(ALICE);
      stage.requestToSpeak(BOB);
      assertEquals(List.of("a", "b"), requestIds());
      stage.invite(HOST, ALICE, now, TTL);
      assertEquals(List.of("b"), requestIds());
      assertTrue(stage.cancelRequest("a").effects().isEmpty(), "nothing left to cancel");
    }

    @Test
    void aSecondInvitationRenewsTheFirst() {
      stage.invite(HOST, ALICE, now, TTL);
      stage.invite(HOST, ALICE, now + TTL - 1, TTL);
      // the first would have run out here, the second has not
      assertTrue(stage.inviteExpired("a", now + TTL).effects().isEmpty());
      stage.accept("a", now + TTL + 1);
      assertTrue(stage.isCohost("a"));
    }
  }

  // --- accept / reject / expiry ----------------------------------------------------------------

  @Nested
  class Accept {
    @Test
    void withoutInvitationIsNotInvited() {
      assertRefused(ErrorCode.NOT_INVITED, () -> stage.accept("a", now));
      assertRefused(ErrorCode.NOT_INVITED, () -> stage.accept(HOST, now));
      // another user's invitation is not yours
      stage.invite(HOST, BOB, now, TTL);
      assertRefused(ErrorCode.NOT_INVITED, () -> stage.accept("a", now));
    }

    /**
     * A guest who got hold of the id of an invited signed-in user (who dropped) cannot accept the
     * invitation: the accepting person is who presence says, and presence knows they are a guest.
     */
    @Test
    void byAGuestHoldingAnInvitedUsersIdIsGuestCannotSpeak() {
      stage.invite(HOST, ALICE, now, TTL);
      Person impostor = new Person("a", "Alice", false, true);
      assertRefused(ErrorCode.GUEST_CANNOT_SPEAK, () -> stage.accept(impostor, now));
      assertFalse(stage.isCohost("a"));
      // the invitation is still there for the real (signed-in) Alice
      stage.accept(ALICE, now + 1);
      assertTrue(stage.isCohost("a"));
    }

    @Test
    void byAGuestOrSomeoneAbsentChangesNothing() {
      stage.invite(HOST, ALICE, now, TTL);
      assertRefused(ErrorCode.GUEST_CANNOT_SPEAK, () -> stage.accept(GUEST, now));
      assertRefused(
          ErrorCode.NOT_IN_ROOM, () -> stage.accept(new Person("a", "a", false, false), now));
      assertTrue(stage.stateFor("a").containsKey("pending_invite"));
    }

    @Test
    void ofAGuestCannotEvenBeIssued() {
      assertRefused(ErrorCode.GUEST_CANNOT_SPEAK, () -> stage.invite(HOST, GUEST, now, TTL));
      assertRefused(ErrorCode.NOT_INVITED, () -> stage.accept("g", now));
    }

    @Test
    void afterExpiryIsInviteExpiredAndTheInvitationIsGone() {
      stage.invite(HOST, ALICE, now, TTL);
      assertEquals(ErrorCode.INVITE_EXPIRED, refusal(() -> stage.accept("a", now + TTL + 1)));
      assertFalse(stage.isCohost("a"));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("a", now + TTL + 2)));
      assertFalse(stage.isCohost("a"));
      assertTrue(cohostIds().isEmpty());
    }

    @Test
    void atTheExactExpiryInstantIsExpired() {
      stage.invite(HOST, ALICE, now, TTL);
      assertEquals(ErrorCode.INVITE_EXPIRED, refusal(() -> stage.accept("a", now + TTL)));
    }

    @Test
    void oneMillisecondBeforeExpiryStillWorks() {
      stage.invite(HOST, ALICE, now, TTL);
      stage.accept("a", now + TTL - 1);
      assertTrue(stage.isCohost("a"));
    }

    @Test
    void afterTheExpiryWasReportedIsInviteExpired() {
      stage.invite(HOST, ALICE, now, TTL);
      assertEquals(1, stage.inviteExpired("a", now + TTL).effects().size());
      assertEquals(ErrorCode.INVITE_EXPIRED, refusal(() -> stage.accept("a", now + TTL + 5)));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("a", now + TTL + 6)));
    }

    @Test
    void whenFullIsCohostLimitAndTheInvitationSurvives() {
      stage.invite(HOST, ALICE, now, TTL);
      stage.invite(HOST, BOB, now, TTL);
      stage.invite(HOST, CAROL, now, TTL);
      stage.accept("a", now);
      stage.accept("b", now);
      assertRefused(ErrorCode.COHOST_LIMIT, () -> stage.accept("c", now));
      assertEquals(List.of("a", "b"), cohostIds());
      // once a place is free the same (unexpired) invitation can be accepted
      stage.removeCohost(HOST, "b");
      stage.accept("c", now + 1);
      assertEquals(List.of("a", "c"), cohostIds());
    }

    @Test
    void makesACohostAndTellsTheRoom() {
      stage.invite(HOST, ALICE, now, TTL);
      Outcome outcome = stage.accept("a", now + 1_000);
      Effect effect = only(outcome);
      assertToRoom(effect, "cohost_joined");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals("Alice", effect.json().getString("username"));
      assertEquals("Alice is now a co-host.", effect.json().getString("message"));
      assertEquals(Map.of("a", "cohost"), outcome.roleChanges());
      assertTrue(stage.isCohost("a"));
      assertFalse(stage.isMuted("a"));
      assertEquals(
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("user_id", "a")
                      .put("username", "Alice")
                      .put("muted", false)),
          stage.stateFor("b").getJsonArray("cohosts"));
      assertFalse(stage.stateFor("a").containsKey("pending_invite"));
      assertEquals("Alice", stage.cohostName("a").orElseThrow());
    }

    @Test
    void twiceIsAlreadyCohost() {
      makeCohost(ALICE);
      assertRefused(ErrorCode.ALREADY_COHOST, () -> stage.accept("a", now));
    }

    /**
     * A co-host can already speak (requestToSpeak by a co-host is refused with already_cohost), so
     * becoming one should withdraw the pending request. It does not: the host keeps seeing a
     * speak_request from a co-host in room_state, and can "dismiss" it.
     */
    @Test
    void withdrawsARequestToSpeakMadeWhileInvited() {
      stage.invite(HOST, ALICE, now, TTL);
      stage.requestToSpeak(ALICE); // allowed: not a co-host yet
      stage.accept("a", now);
      assertEquals(List.of(), requestIds(), "a co-host has no pending request to speak");
    }
  }

  @Nested
  class Reject {
    @Test
    void tellsTheHostOnly() {
      stage.invite(HOST, ALICE, now, TTL);
      Outcome outcome = stage.reject("a", now + 1);
      Effect effect = only(outcome);
      assertToUser(effect, HOST, "cohost_rejected");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals("Alice", effect.json().getString("username"));
      assertTrue(effect.json().getString("message").startsWith("Alice"));
      assertTrue(outcome.roleChanges().isEmpty());
      assertFalse(stage.isCohost("a"));
      assertFalse(stage.stateFor("a").containsKey("pending_invite"));
      // the invitation is used up
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("a", now + 2)));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.reject("a", now + 2)));
      assertTrue(stage.inviteExpired("a", now + TTL + 1).effects().isEmpty());
    }

    @Test
    void withoutInvitationIsNotInvited() {
      assertRefused(ErrorCode.NOT_INVITED, () -> stage.reject("a", now));
      makeCohost(BOB);
      assertRefused(ErrorCode.NOT_INVITED, () -> stage.reject("b", now));
      assertTrue(stage.isCohost("b"));
    }

    @Test
    void afterExpiryIsInviteExpired() {
      stage.invite(HOST, ALICE, now, TTL);
      assertEquals(ErrorCode.INVITE_EXPIRED, refusal(() -> stage.reject("a", now + TTL)));
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("a", now + TTL)));
    }
  }

  @Nested
  class InviteExpired {
    @Test
    void beforeExpiryDoesNothing() {
      stage.invite(HOST, ALICE, now, TTL);
      JsonObject before = snapshot();
      Outcome outcome = stage.inviteExpired("a", now + TTL - 1);
      assertTrue(outcome.effects().isEmpty());
      assertTrue(outcome.roleChanges().isEmpty());
      assertEquals(before, snapshot());
      stage.accept("a", now + TTL - 1);
      assertTrue(stage.isCohost("a"));
    }

    @Test
    void afterExpiryTellsTheHost() {
      stage.invite(HOST, ALICE, now, TTL);
      Outcome outcome = stage.inviteExpired("a", now + TTL);
      Effect effect = only(outcome);
      assertToUser(effect, HOST, "cohost_invite_expired");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals("Alice", effect.json().getString("username"));
      assertTrue(effect.json().getString("message").startsWith("Alice"));
      assertTrue(outcome.roleChanges().isEmpty());
      assertFalse(stage.isCohost("a"));
    }

    @Test
    void afterAcceptDoesNothing() {
      stage.invite(HOST, ALICE, now, TTL);
      stage.accept("a", now + 10);
      assertTrue(stage.inviteExpired("a", now + TTL).effects().isEmpty());
      assertTrue(stage.inviteExpired("a", now + 10 * TTL).effects().isEmpty());
      assertTrue(stage.isCohost("a"));
    }

    @Test
    void withoutAnyInvitationDoesNothing() {
      assertTrue(stage.inviteExpired("a", now + TTL).effects().isEmpty());
    }

    @Test
    void afterTheTargetWasRemovedDoesNothing() {
      stage.invite(HOST, ALICE, now, TTL);
      stage.removeParticipant(HOST, ALICE);
      assertTrue(stage.inviteExpired("a", now + TTL).effects().isEmpty());
    }
  }

  // --- leave / removeCohost ------------------------------------------------------------------

  @Nested
  class Leave {
    @Test
    void byNonCohostIsNotCohost() {
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.leave("a", " stepped down."));
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.leave(HOST, " stepped down."));
      stage.invite(HOST, ALICE, now, TTL);
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.leave("a", " stepped down."));
    }

    @Test
    void tellsTheRoomAndMakesAListener() {
      makeCohost(ALICE);
      makeCohost(BOB);
      stage.mute(HOST, "a");
      Outcome outcome = stage.leave("a", " stepped down as co-host.");
      Effect effect = only(outcome);
      assertToRoom(effect, "cohost_left");
      assertEquals(
          new JsonObject()
              .put("type", "cohost_left")
              .put("user_id", "a")
              .put("username", "Alice")
              .put("message", "Alice stepped down as co-host."),
          effect.json());
      assertEquals(Map.of("a", "listener"), outcome.roleChanges());
      assertFalse(stage.isCohost("a"));
      assertFalse(stage.isMuted("a"), "a listener has no mute state");
      assertEquals(List.of("b"), cohostIds());
      assertEquals("listener", stage.admit("a", true));
      assertEquals(ErrorCode.NOT_COHOST, refusal(() -> stage.leave("a", " again")));
    }

    @Test
    void aReturningCohostStartsUnmuted() {
      makeCohost(ALICE);
      stage.mute(HOST, "a");
      stage.leave("a", " left.");
      makeCohost(ALICE);
      assertFalse(stage.isMuted("a"));
    }
  }

  @Nested
  class RemoveCohost {
    @Test
    void byNonHostIsNotHost() {
      makeCohost(ALICE);
      makeCohost(BOB);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.removeCohost("b", "a"));
      assertRefused(ErrorCode.NOT_HOST, () -> stage.removeCohost("c", "a"));
      assertRefused(ErrorCode.NOT_HOST, () -> stage.removeCohost("a", "a"));
      assertEquals(List.of("a", "b"), cohostIds());
    }

    @Test
    void ofNonCohostIsNotCohost() {
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.removeCohost(HOST, "a"));
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.removeCohost(HOST, HOST));
      stage.invite(HOST, ALICE, now, TTL);
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.removeCohost(HOST, "a"));
    }

    @Test
    void tellsTheRoomAndMakesAListener() {
      makeCohost(ALICE);
      stage.mute("a", "a");
      Outcome outcome = stage.removeCohost(HOST, "a");
      Effect effect = only(outcome);
      assertToRoom(effect, "cohost_removed");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals("Alice", effect.json().getString("username"));
      assertEquals("Alice is no longer a co-host.", effect.json().getString("message"));
      assertEquals(Map.of("a", "listener"), outcome.roleChanges());
      assertFalse(stage.isCohost("a"));
      assertFalse(stage.isMuted("a"));
      assertTrue(cohostIds().isEmpty());
      // removed from the stage, not from the event
      assertEquals("listener", stage.admit("a", true));
    }
  }

  // --- requests to speak ----------------------------------------------------------------------

  @Nested
  class RequestToSpeak {
    @Test
    void byGuestIsGuestCannotSpeak() {
      assertRefused(ErrorCode.GUEST_CANNOT_SPEAK, () -> stage.requestToSpeak(GUEST));
    }

    @Test
    void byCohostOrHostIsAlreadyCohost() {
      makeCohost(ALICE);
      assertRefused(ErrorCode.ALREADY_COHOST, () -> stage.requestToSpeak(ALICE));
      assertRefused(ErrorCode.ALREADY_COHOST, () -> stage.requestToSpeak(HOST_PERSON));
    }

    @Test
    void reachesTheHostAndTheHostsStateOnly() {
      Outcome outcome = stage.requestToSpeak(ALICE);
      Effect effect = only(outcome);
      assertToUser(effect, HOST, "speak_request");
      assertEquals(
          new JsonObject()
              .put("type", "speak_request")
              .put("participant_id", "a")
              .put("username", "Alice"),
          effect.json());
      assertTrue(outcome.roleChanges().isEmpty());
      assertEquals(
          new JsonArray().add(new JsonObject().put("participant_id", "a").put("username", "Alice")),
          stage.stateFor(HOST).getJsonArray("speak_requests"));
      assertFalse(stage.stateFor("a").containsKey("speak_requests"));
      assertFalse(stage.stateFor("b").containsKey("speak_requests"));
      assertFalse(stage.isCohost("a"));
    }

    @Test
    void askingTwiceKeepsOneRequest() {
      stage.requestToSpeak(ALICE);
      stage.requestToSpeak(ALICE);
      assertEquals(List.of("a"), requestIds());
    }

    @Test
    void cancelTellsTheHost() {
      stage.requestToSpeak(ALICE);
      stage.requestToSpeak(BOB);
      Outcome outcome = stage.cancelRequest("a");
      Effect effect = only(outcome);
      assertToUser(effect, HOST, "speak_request_cancelled");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals("Alice", effect.json().getString("username"));
      assertEquals(List.of("b"), requestIds());
    }

    @Test
    void cancelWithoutRequestDoesNothing() {
      stage.requestToSpeak(BOB);
      JsonObject before = snapshot();
      Outcome outcome = stage.cancelRequest("a");
      assertTrue(outcome.effects().isEmpty());
      assertTrue(outcome.roleChanges().isEmpty());
      assertEquals(before, snapshot());
    }

    @Test
    void dismissByNonHostIsNotHost() {
      stage.requestToSpeak(ALICE);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.dismissRequest("b", "a"));
      assertRefused(ErrorCode.NOT_HOST, () -> stage.dismissRequest("a", "a"));
      makeCohost(CAROL);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.dismissRequest("c", "a"));
      assertEquals(List.of("a"), requestIds());
    }

    @Test
    void dismissTellsTheRequester() {
      stage.requestToSpeak(ALICE);
      stage.requestToSpeak(BOB);
      Outcome outcome = stage.dismissRequest(HOST, "a");
      Effect effect = only(outcome);
      assertToUser(effect, "a", "speak_request_dismissed");
      assertTrue(effect.json().containsKey("message"));
      assertTrue(outcome.roleChanges().isEmpty());
      assertEquals(List.of("b"), requestIds());
      // a second dismissal has nothing to dismiss
      assertTrue(stage.dismissRequest(HOST, "a").effects().isEmpty());
    }
  }

  // --- mute / unmute
  // -------------------------------------------------------------------------------

  @Nested
  class Mute {
    @Test
    void byHostOfCohostTellsTheRoom() {
      makeCohost(ALICE);
      Outcome outcome = stage.mute(HOST, "a");
      Effect effect = only(outcome);
      assertToRoom(effect, "muted");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals(HOST, effect.json().getString("by"));
      // The gateways learn whose audio to stop from typed fields, not from the message's JSON.
      assertEquals("a", effect.mutedUser());
      assertEquals(Boolean.TRUE, effect.muted());
      assertTrue(outcome.roleChanges().isEmpty());
      assertTrue(stage.isMuted("a"));
      assertEquals(
          Boolean.TRUE,
          stage.stateFor("b").getJsonArray("cohosts").getJsonObject(0).getBoolean("muted"));
      assertTrue(stage.isCohost("a"), "muting keeps the role");
    }

    @Test
    void ofNonCohostIsNotCohost() {
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.mute(HOST, "a"));
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.mute(HOST, HOST));
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.mute("a", "a"));
      assertFalse(stage.isMuted("a"));
    }

    @Test
    void ofSomeoneElseByNonHostIsNotHost() {
      makeCohost(ALICE);
      makeCohost(BOB);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.mute("c", "a"));
      assertRefused(ErrorCode.NOT_HOST, () -> stage.mute("b", "a"));
      assertRefused(ErrorCode.NOT_HOST, () -> stage.mute("g", "a"));
      assertFalse(stage.isMuted("a"));
    }

    @Test
    void cohostMayMuteItself() {
      makeCohost(ALICE);
      Effect effect = only(stage.mute("a", "a"));
      assertToRoom(effect, "muted");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals("a", effect.json().getString("by"));
      assertTrue(stage.isMuted("a"));
    }

    @Test
    void cohostUnmutesItself() {
      makeCohost(ALICE);
      stage.mute("a", "a");
      Effect effect = only(stage.unmute("a", "a"));
      assertToRoom(effect, "unmuted");
      assertEquals("a", effect.json().getString("participant_id"));
      assertEquals("a", effect.json().getString("by"));
      assertEquals("a", effect.mutedUser());
      assertEquals(Boolean.FALSE, effect.muted());
      assertFalse(stage.isMuted("a"));
    }

    @Test
    void hostMutedCohostMayUnmuteItself() {
      makeCohost(ALICE);
      stage.mute(HOST, "a");
      assertTrue(stage.isMuted("a"));
      stage.unmute("a", "a");
      assertFalse(stage.isMuted("a"));
      assertEquals(
          Boolean.FALSE,
          stage.stateFor(HOST).getJsonArray("cohosts").getJsonObject(0).getBoolean("muted"));
    }

    @Test
    void unmutingSomeoneElseIsNotAllowed() {
      makeCohost(ALICE);
      makeCohost(BOB);
      stage.mute(HOST, "a");
      assertRefused(ErrorCode.NOT_ALLOWED, () -> stage.unmute(HOST, "a"));
      assertRefused(ErrorCode.NOT_ALLOWED, () -> stage.unmute("b", "a"));
      assertRefused(ErrorCode.NOT_ALLOWED, () -> stage.unmute("c", "a"));
      assertTrue(stage.isMuted("a"));
    }

    @Test
    void unmuteByNonCohostIsNotCohost() {
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.unmute("a", "a"));
      assertRefused(ErrorCode.NOT_COHOST, () -> stage.unmute(HOST, HOST));
    }

    @Test
    void isMutedFollowsEveryChange() {
      makeCohost(ALICE);
      assertFalse(stage.isMuted("a"));
      stage.mute("a", "a");
      assertTrue(stage.isMuted("a"));
      stage.mute(HOST, "a");
      assertTrue(stage.isMuted("a"));
      stage.unmute("a", "a");
      assertFalse(stage.isMuted("a"));
      stage.mute(HOST, "a");
      stage.removeCohost(HOST, "a");
      assertFalse(stage.isMuted("a"));
      assertFalse(stage.isMuted("b"));
      assertFalse(stage.isMuted(HOST));
    }
  }

  // --- removal
  // ------------------------------------------------------------------------------------

  @Nested
  class RemoveParticipant {
    @Test
    void byNonHostIsNotHost() {
      makeCohost(ALICE);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.removeParticipant("a", BOB));
      assertRefused(ErrorCode.NOT_HOST, () -> stage.removeParticipant("b", ALICE));
      assertEquals("listener", stage.admit("b", true));
      assertEquals("cohost", stage.admit("a", true));
    }

    @Test
    void ofTheHostIsBadRequest() {
      assertRefused(ErrorCode.BAD_REQUEST, () -> stage.removeParticipant(HOST, HOST_PERSON));
      assertEquals("host", stage.admit(HOST, true));
    }

    @Test
    void ofAbsentUserIsNotInRoom() {
      assertRefused(ErrorCode.NOT_IN_ROOM, () -> stage.removeParticipant(HOST, ABSENT));
      assertEquals("listener", stage.admit("x", true), "not banned by a refused removal");
    }

    @Test
    void ofCohostRemovesFromStageThenFromEventAndBans() {
      makeCohost(ALICE);
      stage.mute(HOST, "a");
      Outcome outcome = stage.removeParticipant(HOST, ALICE);
      assertEquals(2, outcome.effects().size(), () -> "effects: " + outcome.effects());
      Effect first = outcome.effects().get(0);
      assertToRoom(first, "cohost_removed");
      assertEquals("a", first.json().getString("participant_id"));
      assertEquals("Alice", first.json().getString("username"));
      Effect second = outcome.effects().get(1);
      assertEquals("a", second.toUser());
      assertTrue(second.closeRecipients());
      assertEquals("removed", second.json().getString("type"));
      assertTrue(second.json().containsKey("message"));
      assertEquals(Map.of("a", "listener"), outcome.roleChanges());
      assertFalse(stage.isCohost("a"));
      assertFalse(stage.isMuted("a"));
      assertTrue(cohostIds().isEmpty());
      assertEquals(ErrorCode.BANNED, refusal(() -> stage.admit("a", true)));
      assertEquals(ErrorCode.BANNED, refusal(() -> stage.admit("a", false)));
    }

    @Test
    void ofListenerBansAndDropsInvitationAndRequest() {
      stage.requestToSpeak(BOB);
      stage.invite(HOST, ALICE, now, TTL);
      stage.requestToSpeak(ALICE);
      Outcome outcome = stage.removeParticipant(HOST, ALICE);
      Effect effect = only(outcome);
      assertEquals("a", effect.toUser());
      assertTrue(effect.closeRecipients());
      assertEquals("removed", effect.json().getString("type"));
      assertTrue(outcome.roleChanges().isEmpty());
      assertEquals(List.of("b"), requestIds());
      assertEquals(ErrorCode.NOT_INVITED, refusal(() -> stage.accept("a", now)));
      assertEquals(ErrorCode.BANNED, refusal(() -> stage.admit("a", true)));
      assertEquals("listener", stage.admit("b", true), "only the removed user is banned");
    }

    @Test
    void ofGuestBansTheGuest() {
      stage.removeParticipant(HOST, GUEST);
      assertEquals(ErrorCode.BANNED, refusal(() -> stage.admit("g", false)));
    }
  }

  // --- admit
  // ----------------------------------------------------------------------------------------

  @Nested
  class Admit {
    @Test
    void verifiedHostIsHost() {
      assertEquals("host", stage.admit(HOST, true));
    }

    @Test
    void unverifiedUseOfTheHostIdIsUserIdInUse() {
      assertEquals(ErrorCode.USER_ID_IN_USE, refusal(() -> stage.admit(HOST, false)));
    }

    @Test
    void cohostIsCohostAndGuestOrSignedInListenerIsListener() {
      makeCohost(ALICE);
      assertEquals("cohost", stage.admit("a", true));
      assertEquals("listener", stage.admit("g", false));
      assertEquals("listener", stage.admit("b", true));
    }

    @Test
    void anInvitationIsNotARole() {
      stage.invite(HOST, ALICE, now, TTL);
      assertEquals("listener", stage.admit("a", true));
    }
  }

  // --- mode
  // ------------------------------------------------------------------------------------------

  @Nested
  class Recording {
    private final java.time.Instant t0 = java.time.Instant.parse("2026-12-03T17:30:00Z");

    @Test
    void theHostStartsItTheRoomIsToldAndEveryJoinerSeesIt() {
      Effect started = only(stage.startRecording(HOST, "rec1", t0));
      assertToRoom(started, "recording_started");
      assertEquals("rec1", started.json().getString("recording_id"));
      assertEquals(t0.toString(), started.json().getString("started_at"));
      for (String u : List.of(HOST, "a", "g")) {
        assertEquals(
            new JsonObject().put("recording_id", "rec1").put("started_at", t0.toString()),
            stage.stateFor(u).getJsonObject("recording"),
            u);
      }
    }

    @Test
    void onlyTheHostAndOnlyOnceAndNothingToStopIsRefusedWithoutChange() {
      assertRefused(ErrorCode.NOT_HOST, () -> stage.startRecording("a", "rec1", t0));
      assertRefused(ErrorCode.NOT_RECORDING, () -> stage.stopRecording(HOST, t0));
      stage.startRecording(HOST, "rec1", t0);
      assertRefused(ErrorCode.ALREADY_RECORDING, () -> stage.startRecording(HOST, "rec2", t0));
      makeCohost(ALICE);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.stopRecording("a", t0));
    }

    @Test
    void stoppingTellsTheRoomAndANewRecordingGetsItsOwnId() {
      stage.startRecording(HOST, "rec1", t0);
      Effect stopped = only(stage.stopRecording(HOST, t0.plusSeconds(90)));
      assertToRoom(stopped, "recording_stopped");
      assertEquals("rec1", stopped.json().getString("recording_id"));
      assertEquals(t0.plusSeconds(90).toString(), stopped.json().getString("stopped_at"));
      assertNull(stage.stateFor("a").getJsonObject("recording"));
      stage.startRecording(HOST, "rec2", t0.plusSeconds(100));
      assertEquals("rec2", stage.recording().orElseThrow().recordingId());
    }

    @Test
    void aTakeOverFindsTheRecordingInTheClusterCopy() {
      stage.startRecording(HOST, "rec1", t0);
      Stage copy = Stage.fromJson(HOST, "Host", 2, stage.toJson());
      assertEquals(stage.recording(), copy.recording());
      Stage none = Stage.fromJson(HOST, "Host", 2, new Stage(HOST, "Host", 2).toJson());
      assertTrue(none.recording().isEmpty());
    }
  }

  @Nested
  class SwitchMode {
    @ParameterizedTest
    @ValueSource(strings = {"a", "g", "x"})
    void byNonHostIsNotHost(String actor) {
      makeCohost(ALICE);
      assertRefused(ErrorCode.NOT_HOST, () -> stage.switchMode(actor, "screen"));
      assertEquals("audio", stage.mode());
    }

    @Test
    void toScreenAnnouncesThenStarts() {
      Outcome outcome = stage.switchMode(HOST, "screen");
      assertEquals(2, outcome.effects().size());
      Effect changed = outcome.effects().get(0);
      assertToRoom(changed, "stream_mode_changed");
      assertEquals("switching_to_screen_sharing", changed.json().getString("mode"));
      assertTrue(changed.json().containsKey("message"));
      assertEquals("screen", changed.mode());
      assertNull(
          outcome.effects().get(1).mode(), "the mode travels once, with stream_mode_changed");
      assertNull(changed.mutedUser());
      assertToRoom(outcome.effects().get(1), "screen_sharing_started");
      assertTrue(outcome.roleChanges().isEmpty());
      assertEquals("screen", stage.mode());
      assertEquals("screen", stage.stateFor("a").getString("mode"));
      assertEquals("screen", stage.stateFor(HOST).getString("mode"));
    }

    @Test
    void backToAudioAnnouncesThenStarts() {
      stage.switchMode(HOST, "screen");
      Outcome outcome = stage.switchMode(HOST, "audio");
      assertEquals(2, outcome.effects().size());
      Effect changed = outcome.effects().get(0);
      assertToRoom(changed, "stream_mode_changed");
      assertEquals("switching_to_audio", changed.json().getString("mode"));
      assertEquals("audio", changed.mode());
      assertToRoom(outcome.effects().get(1), "audio_streaming_started");
      assertEquals("audio", stage.mode());
      assertEquals("audio", stage.stateFor("a").getString("mode"));
    }
  }

  // --- randomized model test ------------------------------------------------------------------

  /**
   * Thousands of random operations by a handful of users (signed-in, guests, some away) against a
   * small model kept by the test. After each: co-hosts within the limit, the host never a co-host,
   * every co-host reached through an accepted invitation the test saw, the stage's view equal to
   * the model's, and a refusal changed nothing.
   */
  @ParameterizedTest
  @ValueSource(longs = {1L, 42L, 987654321L})
  void randomOperationsKeepTheInvariants(long seed) {
    new ModelRun(seed).run(2_000);
  }

  /** A random walk over the stage, next to the test's own record of what the stage should be. */
  private static final class ModelRun {
    private static final int LIMIT = 2;
    private static final long RUN_TTL = 5_000;

    /** Operations, repeated by weight. */
    private static final String[] OPERATIONS = {
      "invite", "invite", "invite", "invite", "accept", "accept", "accept", "accept", "reject",
          "expire",
      "expire", "leave", "removeCohost", "request", "request", "cancel", "dismiss", "mute", "mute",
          "unmute",
      "unmute", "remove", "mode", "presence", "presence"
    };

    private final Random random;

    /**
     * Everyone who ever joined (removed users stay, to check they stay banned); grows on removals.
     */
    private final List<String> users =
        new ArrayList<>(List.of("u1", "u2", "u3", "u4", "u5", "u6", "g1", "g2", "x1"));

    private final long seed;
    private final Stage stage = new Stage(HOST, "Host", LIMIT);
    private final Map<String, Boolean> verified = new HashMap<>();
    private final Map<String, Boolean> present = new HashMap<>();
    private final Set<String> banned = new HashSet<>();
    private final LinkedHashMap<String, Long> invites = new LinkedHashMap<>();
    private final Set<String> cohosts = new TreeSet<>();
    private final Set<String> requests = new TreeSet<>();
    private final Map<String, Boolean> muted = new HashMap<>();
    private final Set<String> reachedThroughAccept = new HashSet<>();
    private String mode = "audio";
    private long time = 1_000_000;
    private int step;
    private int successes;
    private int refusals;

    /** How often each operation ended how ("accept:ok", "accept:cohost_limit", ...). */
    private final Map<String, Integer> seen = new HashMap<>();

    private String lastOp;

    ModelRun(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      for (String u : users) {
        verified.put(u, !u.startsWith("g"));
        present.put(u, !u.startsWith("x"));
      }
    }

    void run(int operations) {
      for (step = 0; step < operations; step++) {
        time += random.nextInt(500);
        String op = OPERATIONS[random.nextInt(OPERATIONS.length)];
        lastOp = op;
        apply(op);
        checkInvariants();
      }
      // the walk must have reached the interesting places
      assertTrue(successes > operations / 10, "too few successes: " + successes);
      assertTrue(refusals > operations / 10, "too few refusals: " + refusals);
      for (String outcome :
          List.of(
              "invite:ok",
              "accept:ok",
              "accept:invite_expired",
              "accept:cohost_limit",
              "invite:cohost_limit",
              "reject:ok",
              "leave:ok",
              "removeCohost:ok",
              "mute:ok",
              "unmute:ok",
              "remove:ok",
              "request:ok",
              "dismiss:effect",
              "cancel:effect",
              "expire:effect",
              "invite:guest_cannot_speak",
              "invite:not_in_room")) {
        assertTrue(
            seen.getOrDefault(outcome, 0) > 0,
            () -> "seed " + seed + " never saw " + outcome + ": " + seen);
      }
    }

    private String where() {
      return "seed " + seed + ", step " + step + " (" + lastOp + ")";
    }

    /** The host now and then; otherwise mostly someone not removed. */
    private String anyUser() {
      if (random.nextInt(8) == 0) {
        return HOST;
      }
      List<String> pool = users;
      if (random.nextInt(10) != 0) {
        pool = users.stream().filter(u -> !banned.contains(u)).toList();
      }
      return pool.get(random.nextInt(pool.size()));
    }

    /** Often one of {@code preferred} (when there is one), otherwise anybody. */
    private String oneOf(Set<String> preferred) {
      if (!preferred.isEmpty() && random.nextInt(10) < 6) {
        List<String> list = new ArrayList<>(preferred);
        return list.get(random.nextInt(list.size()));
      }
      return anyUser();
    }

    /** Usually the host, sometimes anybody. */
    private String hostMostly() {
      return random.nextInt(5) == 0 ? anyUser() : HOST;
    }

    private Person person(String id) {
      if (HOST.equals(id)) {
        return HOST_PERSON;
      }
      if (!present.get(id)) {
        return new Person(id, id, false, false); // as the service describes an unknown user
      }
      return new Person(id, "name-" + id, verified.get(id), true);
    }

    private boolean isPresent(String id) {
      return HOST.equals(id) || present.get(id);
    }

    private boolean isVerified(String id) {
      return HOST.equals(id) || (present.get(id) && verified.get(id));
    }

    private void apply(String op) {
      switch (op) {
        case "invite" -> {
          String actor = hostMostly();
          String target = anyUser();
          Set<ErrorCode> reasons = new HashSet<>();
          if (!HOST.equals(actor)) {
            reasons.add(ErrorCode.NOT_HOST);
          }
          if (!isPresent(target)) {
            reasons.add(ErrorCode.NOT_IN_ROOM);
          }
          if (!isVerified(target)) {
            reasons.add(ErrorCode.GUEST_CANNOT_SPEAK);
          }
          if (HOST.equals(target) || cohosts.contains(target)) {
            reasons.add(ErrorCode.ALREADY_COHOST);
          }
          if (cohosts.size() >= LIMIT) {
            reasons.add(ErrorCode.COHOST_LIMIT);
          }
          Outcome out =
              attempt(reasons, () -> stage.invite(actor, person(target), time, RUN_TTL), null);
          if (out != null) {
            assertToUser(only(out), target, "cohost_invite");
            invites.put(target, time + RUN_TTL);
            requests.remove(target);
          }
        }
        case "accept" -> {
          String user = oneOf(invites.keySet());
          Long expiresAt = invites.get(user);
          Set<ErrorCode> reasons = new HashSet<>();
          if (cohosts.contains(user)) {
            reasons.add(ErrorCode.ALREADY_COHOST);
          }
          if (expiresAt == null) {
            reasons.add(ErrorCode.NOT_INVITED);
          } else if (expiresAt <= time) {
            reasons.add(ErrorCode.INVITE_EXPIRED);
          }
          if (cohosts.size() >= LIMIT) {
            reasons.add(ErrorCode.COHOST_LIMIT);
          }
          Outcome out = attempt(reasons, () -> stage.accept(user, time), user);
          if (out != null) {
            assertTrue(
                expiresAt != null && expiresAt > time,
                where() + ": accepted without a live invitation");
            assertToRoom(only(out), "cohost_joined");
            assertEquals(Map.of(user, "cohost"), out.roleChanges(), where());
            invites.remove(user);
            cohosts.add(user);
            muted.put(user, false);
            reachedThroughAccept.add(user);
            requests.remove(user);
          }
        }
        case "reject" -> {
          String user = oneOf(invites.keySet());
          Long expiresAt = invites.get(user);
          Set<ErrorCode> reasons = new HashSet<>();
          if (expiresAt == null) {
            reasons.add(ErrorCode.NOT_INVITED);
          } else if (expiresAt <= time) {
            reasons.add(ErrorCode.INVITE_EXPIRED);
          }
          Outcome out = attempt(reasons, () -> stage.reject(user, time), user);
          if (out != null) {
            assertToUser(only(out), HOST, "cohost_rejected");
            invites.remove(user);
          }
        }
        case "expire" -> {
          String user = oneOf(invites.keySet());
          Long expiresAt = invites.get(user);
          Outcome out = attempt(Set.of(), () -> stage.inviteExpired(user, time), null);
          if (expiresAt != null && expiresAt <= time) {
            assertToUser(only(out), HOST, "cohost_invite_expired");
            seen.merge("expire:effect", 1, Integer::sum);
          } else {
            assertTrue(out.effects().isEmpty(), where() + ": " + out.effects());
          }
          assertTrue(out.roleChanges().isEmpty());
        }
        case "leave" -> {
          String user = oneOf(cohosts);
          Set<ErrorCode> reasons = cohosts.contains(user) ? Set.of() : Set.of(ErrorCode.NOT_COHOST);
          Outcome out = attempt(reasons, () -> stage.leave(user, " left."), null);
          if (out != null) {
            assertToRoom(only(out), "cohost_left");
            assertEquals(Map.of(user, "listener"), out.roleChanges(), where());
            cohosts.remove(user);
            muted.remove(user);
          }
        }
        case "removeCohost" -> {
          String actor = hostMostly();
          String target = oneOf(cohosts);
          Set<ErrorCode> reasons = new HashSet<>();
          if (!HOST.equals(actor)) {
            reasons.add(ErrorCode.NOT_HOST);
          }
          if (!cohosts.contains(target)) {
            reasons.add(ErrorCode.NOT_COHOST);
          }
          Outcome out = attempt(reasons, () -> stage.removeCohost(actor, target), null);
          if (out != null) {
            assertToRoom(only(out), "cohost_removed");
            assertEquals(Map.of(target, "listener"), out.roleChanges(), where());
            cohosts.remove(target);
            muted.remove(target);
          }
        }
        case "request" -> {
          String user = anyUser();
          if (!isPresent(user)) {
            return; // only connected users send anything
          }
          Set<ErrorCode> reasons = new HashSet<>();
          if (HOST.equals(user) || cohosts.contains(user)) {
            reasons.add(ErrorCode.ALREADY_COHOST);
          }
          if (!isVerified(user)) {
            reasons.add(ErrorCode.GUEST_CANNOT_SPEAK);
          }
          Outcome out = attempt(reasons, () -> stage.requestToSpeak(person(user)), null);
          if (out != null) {
            assertToUser(only(out), HOST, "speak_request");
            requests.add(user);
          }
        }
        case "cancel" -> {
          String user = oneOf(requests);
          boolean had = requests.remove(user);
          Outcome out = attempt(Set.of(), () -> stage.cancelRequest(user), null);
          if (had) {
            assertToUser(only(out), HOST, "speak_request_cancelled");
            seen.merge("cancel:effect", 1, Integer::sum);
          } else {
            assertTrue(out.effects().isEmpty(), where());
          }
        }
        case "dismiss" -> {
          String actor = hostMostly();
          String target = oneOf(requests);
          Set<ErrorCode> reasons = HOST.equals(actor) ? Set.of() : Set.of(ErrorCode.NOT_HOST);
          Outcome out = attempt(reasons, () -> stage.dismissRequest(actor, target), null);
          if (out != null) {
            if (requests.remove(target)) {
              assertToUser(only(out), target, "speak_request_dismissed");
              seen.merge("dismiss:effect", 1, Integer::sum);
            } else {
              assertTrue(out.effects().isEmpty(), where());
            }
          }
        }
        case "mute" -> {
          String actor = random.nextBoolean() ? hostMostly() : oneOf(cohosts);
          String target = random.nextBoolean() ? actor : oneOf(cohosts);
          Set<ErrorCode> reasons = new HashSet<>();
          if (!actor.equals(target) && !HOST.equals(actor)) {
            reasons.add(ErrorCode.NOT_HOST);
          }
          if (!cohosts.contains(target)) {
            reasons.add(ErrorCode.NOT_COHOST);
          }
          Outcome out = attempt(reasons, () -> stage.mute(actor, target), null);
          if (out != null) {
            Effect effect = only(out);
            assertToRoom(effect, "muted");
            assertEquals(actor, effect.json().getString("by"));
            muted.put(target, true);
          }
        }
        case "unmute" -> {
          String actor = oneOf(cohosts);
          String target = random.nextInt(4) == 0 ? oneOf(cohosts) : actor;
          Set<ErrorCode> reasons = new HashSet<>();
          if (!actor.equals(target)) {
            reasons.add(ErrorCode.NOT_ALLOWED);
          }
          if (!cohosts.contains(target)) {
            reasons.add(ErrorCode.NOT_COHOST);
          }
          Outcome out = attempt(reasons, () -> stage.unmute(actor, target), null);
          if (out != null) {
            assertToRoom(only(out), "unmuted");
            muted.put(target, false);
          }
        }
        case "remove" -> {
          if (random.nextBoolean()) {
            return; // rarer than the rest: every removal bans someone for good
          }
          String actor = hostMostly();
          String target = random.nextBoolean() ? oneOf(cohosts) : anyUser();
          Set<ErrorCode> reasons = new HashSet<>();
          if (!HOST.equals(actor)) {
            reasons.add(ErrorCode.NOT_HOST);
          }
          if (HOST.equals(target)) {
            reasons.add(ErrorCode.BAD_REQUEST);
          }
          if (!isPresent(target)) {
            reasons.add(ErrorCode.NOT_IN_ROOM);
          }
          boolean wasCohost = cohosts.contains(target);
          Outcome out =
              attempt(reasons, () -> stage.removeParticipant(actor, person(target)), null);
          if (out != null) {
            Effect last = out.effects().get(out.effects().size() - 1);
            assertEquals(target, last.toUser(), where());
            assertTrue(last.closeRecipients(), where());
            assertEquals("removed", last.json().getString("type"));
            assertEquals(wasCohost ? 2 : 1, out.effects().size(), where());
            assertEquals(
                wasCohost ? Map.of(target, "listener") : Map.of(), out.roleChanges(), where());
            banned.add(target);
            present.put(target, false);
            // someone new comes in, so the event never runs out of people
            String newcomer = (verified.get(target) ? "u" : "g") + users.size();
            users.add(newcomer);
            verified.put(newcomer, verified.get(target));
            present.put(newcomer, true);
            invites.remove(target);
            requests.remove(target);
            cohosts.remove(target);
            muted.remove(target);
          }
        }
        case "mode" -> {
          String actor = hostMostly();
          String newMode = random.nextBoolean() ? "audio" : "screen";
          Set<ErrorCode> reasons = HOST.equals(actor) ? Set.of() : Set.of(ErrorCode.NOT_HOST);
          Outcome out = attempt(reasons, () -> stage.switchMode(actor, newMode), null);
          if (out != null) {
            assertEquals(2, out.effects().size());
            mode = newMode;
          }
        }
        case "presence" -> {
          // someone disconnects, or comes back; banned users never get back in
          String user = users.get(random.nextInt(users.size()));
          if (!banned.contains(user)) {
            present.put(user, !present.get(user) || random.nextInt(3) != 0);
          }
        }
        default -> fail("unknown op " + op);
      }
    }

    /**
     * Runs {@code operation}: it must succeed if {@code reasons} is empty and otherwise fail with
     * one of them, changing nothing (except that a late answer uses up the expired invitation of
     * {@code answerer}). Returns the outcome, or null after a refusal.
     */
    private Outcome attempt(Set<ErrorCode> reasons, Supplier<Outcome> operation, String answerer) {
      JsonObject before = snapshot();
      try {
        Outcome out = operation.get();
        assertTrue(
            reasons.isEmpty(), () -> where() + ": succeeded, but expected one of " + reasons);
        successes++;
        seen.merge(lastOp + ":ok", 1, Integer::sum);
        return out;
      } catch (ServiceException e) {
        ErrorCode code = ErrorCode.of(e);
        assertTrue(
            reasons.contains(code),
            () ->
                where()
                    + ": refused with "
                    + code
                    + ", expected "
                    + (reasons.isEmpty() ? "success" : "one of " + reasons));
        refusals++;
        seen.merge(lastOp + ":" + code.code(), 1, Integer::sum);
        if (code == ErrorCode.INVITE_EXPIRED && answerer != null) {
          invites.remove(answerer);
          before.getJsonObject(answerer).remove("pending_invite");
        }
        assertEquals(
            before,
            snapshot(),
            () -> where() + ": refused with " + code + " but changed the stage");
        return null;
      }
    }

    /** What every user (and the host) sees, plus the stage's own answers. */
    private JsonObject snapshot() {
      JsonObject all = new JsonObject().put(HOST, stage.stateFor(HOST));
      for (String u : users) {
        all.put(
            u, stage.stateFor(u).put("muted", stage.isMuted(u)).put("cohost", stage.isCohost(u)));
      }
      return all.put("mode", stage.mode());
    }

    private void checkInvariants() {
      JsonObject hostState = stage.stateFor(HOST);
      JsonArray list = hostState.getJsonArray("cohosts");
      Set<String> listed = new TreeSet<>();
      Map<String, Boolean> listedMuted = new HashMap<>();
      for (Object o : list) {
        JsonObject c = (JsonObject) o;
        listed.add(c.getString("user_id"));
        listedMuted.put(c.getString("user_id"), c.getBoolean("muted"));
      }
      assertTrue(
          list.size() <= LIMIT, () -> where() + ": " + list.size() + " co-hosts, limit " + LIMIT);
      assertEquals(list.size(), listed.size(), () -> where() + ": a co-host listed twice");
      assertFalse(listed.contains(HOST), () -> where() + ": the host is a co-host");
      assertFalse(stage.isCohost(HOST), where());
      assertEquals(cohosts, listed, () -> where() + ": co-hosts differ from the model");
      assertTrue(
          reachedThroughAccept.containsAll(listed),
          () -> where() + ": a co-host never accepted an invitation");
      for (String u : listed) {
        assertTrue(verified.get(u), () -> where() + ": guest " + u + " is a co-host");
        assertFalse(banned.contains(u), () -> where() + ": banned " + u + " is a co-host");
        assertEquals(muted.get(u), listedMuted.get(u), () -> where() + ": mute state of " + u);
      }
      Set<String> listedRequests = new TreeSet<>();
      hostState
          .getJsonArray("speak_requests")
          .forEach(o -> listedRequests.add(((JsonObject) o).getString("participant_id")));
      assertEquals(
          requests, listedRequests, () -> where() + ": speak requests differ from the model");
      assertEquals(mode, stage.mode(), where());
      assertEquals(mode, hostState.getString("mode"), where());
      assertEquals("host", stage.admit(HOST, true), where());
      for (String u : users) {
        assertEquals(
            cohosts.contains(u) && muted.get(u),
            stage.isMuted(u),
            () -> where() + ": isMuted(" + u + ")");
        JsonObject userState = stage.stateFor(u);
        assertFalse(
            userState.containsKey("speak_requests"),
            () -> where() + ": " + u + " sees the requests");
        if (banned.contains(u)) {
          assertEquals(ErrorCode.BANNED, refusal(() -> stage.admit(u, verified.get(u))), where());
        } else {
          String expected = verified.get(u) && cohosts.contains(u) ? "cohost" : "listener";
          assertEquals(
              expected, stage.admit(u, verified.get(u)), () -> where() + ": admit(" + u + ")");
        }
      }
    }
  }
}
