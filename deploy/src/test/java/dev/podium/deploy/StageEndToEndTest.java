package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stage against a running all-in-one Podium: co-hosts, invitations, requests to speak, muting,
 * removal, mode switches, signalling and invitations, each action next to its refusals.
 */
class StageEndToEndTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_ALLOW_GUESTS", "true",
                "PODIUM_COHOST_LIMIT", "2",
                "PODIUM_INVITE_TTL_MS", "1500",
                "PODIUM_HOST_GRACE_MS", "1500"));
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  /** A live event with its host and two signed-in listeners, all past their initial messages. */
  private static final class Room {
    final String eventId;
    final String hostId;
    final TestSocket host;

    Room() {
      hostId = "host" + IDS.incrementAndGet();
      host = podium.goLive(node, hostId);
      eventId = host.eventId();
      host.expect("room_state");
    }

    TestSocket listener(String userId) {
      TestSocket socket = podium.join(node, eventId, userId);
      socket.expect("room_state");
      host.expect("participant_joined", m -> userId.equals(m.getString("user_id")));
      return socket;
    }

    TestSocket guest(String userId) {
      TestSocket socket =
          podium.connect(
              node, "/ws/stream/live/join/event/" + eventId + "/" + userId + "/" + userId + "/");
      socket.expect("room_state");
      return socket;
    }

    /** Makes the user a co-host through the real invite/accept exchange. */
    void promote(String userId, TestSocket socket) {
      host.send(msg("invite_cohost").put("user_id", userId));
      socket.expect("cohost_invite");
      socket.send(msg("accept_cohost"));
      host.expect("cohost_joined", m -> userId.equals(m.getString("participant_id")));
    }
  }

  private static String user(String name) {
    return name + IDS.incrementAndGet();
  }

  private static JsonObject msg(String type) {
    return new JsonObject().put("type", type);
  }

  @Test
  void anInvitedListenerAcceptsSpeaksAndStepsDown() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    TestSocket bystander = room.listener(user("bob"));

    room.host.send(msg("invite_cohost").put("user_id", ada));
    JsonObject invite = adaSocket.expect("cohost_invite");
    assertEquals("You have been invited to co-host.", invite.getString("message"));
    assertEquals(room.hostId, invite.getJsonObject("from").getString("user_id"));
    assertEquals(2, invite.getInteger("expires_in"));

    adaSocket.send(msg("accept_cohost"));
    for (TestSocket s : new TestSocket[] {room.host, adaSocket, bystander}) {
      JsonObject joined = s.expect("cohost_joined");
      assertEquals(ada, joined.getString("participant_id"));
      assertEquals(ada, joined.getString("username"));
      assertNotNull(joined.getString("message"));
    }
    JsonObject list =
        bystander.expect(
            "participant_list",
            m -> entry(m, ada) != null && entry(m, ada).getBoolean("is_cohost"));
    assertEquals("cohost", entry(list, ada).getString("role"));
    assertTrue(
        bystander.seen("cohost_invite").isEmpty(), "only the invited user sees the invitation");

    // A co-host may send audio; a listener may not.
    adaSocket.sendBinary(Buffer.buffer(new byte[960]));
    adaSocket.send(msg("get_participants"));
    adaSocket.expect("participant_page");
    assertTrue(
        adaSocket.seen("error").isEmpty(), "co-host audio refused: " + adaSocket.seen("error"));

    TestSocket late = podium.join(node, room.eventId, user("late"));
    JsonArray cohosts = late.expect("room_state").getJsonArray("cohosts");
    assertEquals(ada, cohosts.getJsonObject(0).getString("user_id"));

    adaSocket.send(msg("cohost_leave").put("participant_id", ada));
    JsonObject left = bystander.expect("cohost_left");
    assertEquals(ada, left.getString("user_id"));
    bystander.expect(
        "participant_list",
        m -> entry(m, ada) != null && "listener".equals(entry(m, ada).getString("role")));
    adaSocket.send(msg("cohost_leave"));
    adaSocket.expectError("not_cohost");
  }

  @Test
  void invitationsAreRefusedClearly() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    String eve = user("eve");
    TestSocket eveSocket = room.listener(eve);
    TestSocket guest = room.guest(user("guest"));

    eveSocket.send(msg("invite_cohost").put("user_id", ada));
    eveSocket.expectError("not_host");
    room.host.send(msg("invite_cohost").put("user_id", "nobody-here"));
    room.host.expectError("not_in_room");
    room.host.send(
        msg("invite_cohost")
            .put(
                "user_id",
                guest.expect("participant_list").getJsonArray("participants").stream()
                    .map(o -> (JsonObject) o)
                    .filter(p -> p.getString("user_id").startsWith("guest"))
                    .findFirst()
                    .orElseThrow()
                    .getString("user_id")));
    room.host.expectError("guest_cannot_speak");
    room.host.send(msg("invite_cohost"));
    room.host.expectError("bad_request");
    adaSocket.send(msg("accept_cohost"));
    adaSocket.expectError("not_invited");
    adaSocket.send(msg("cohost_reject"));
    adaSocket.expectError("not_invited");

    room.promote(ada, adaSocket);
    room.host.send(msg("invite_cohost").put("user_id", ada));
    room.host.expectError("already_cohost");
    adaSocket.send(msg("accept_cohost"));
    adaSocket.expectError("already_cohost");
    eveSocket.send(msg("remove_cohost").put("participant_id", ada));
    eveSocket.expectError("not_host");
    room.host.send(msg("remove_cohost").put("participant_id", eve));
    room.host.expectError("not_cohost");

    guest.send(msg("request_to_speak"));
    guest.expectError("guest_cannot_speak");
    assertFalse(eveSocket.isClosed());
    assertFalse(adaSocket.isClosed());
  }

  @Test
  void theCohostLimitHolds() {
    Room room = new Room();
    String a = user("a");
    String b = user("b");
    String c = user("c");
    TestSocket aSocket = room.listener(a);
    TestSocket bSocket = room.listener(b);
    TestSocket cSocket = room.listener(c);
    room.host.send(msg("invite_cohost").put("user_id", c));
    cSocket.expect("cohost_invite");
    room.promote(a, aSocket);
    room.promote(b, bSocket);

    cSocket.send(msg("accept_cohost"));
    cSocket.expectError("cohost_limit");
    room.host.send(msg("invite_cohost").put("user_id", c));
    room.host.expectError("cohost_limit");

    room.host.send(msg("remove_cohost").put("participant_id", b).put("username", b));
    JsonObject removed = cSocket.expect("cohost_removed");
    assertEquals(b, removed.getString("participant_id"));
    room.host.send(msg("invite_cohost").put("user_id", c));
    cSocket.expect("cohost_invite");
    cSocket.send(msg("accept_cohost"));
    room.host.expect("cohost_joined", m -> c.equals(m.getString("participant_id")));
  }

  @Test
  void aRejectedInvitationTellsTheHostAndAnUnansweredOneExpires() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    room.host.send(msg("invite_cohost").put("user_id", ada));
    adaSocket.expect("cohost_invite");
    adaSocket.send(msg("cohost_reject"));
    JsonObject rejected = room.host.expect("cohost_rejected");
    assertEquals(ada, rejected.getString("participant_id"));
    assertEquals(ada, rejected.getString("username"));

    room.host.send(msg("invite_cohost").put("user_id", ada));
    adaSocket.expect("cohost_invite");
    JsonObject expired = room.host.expect("cohost_invite_expired");
    assertEquals(ada, expired.getString("participant_id"));
    adaSocket.send(msg("accept_cohost"));
    adaSocket.expectError("invite_expired");
    adaSocket.send(msg("accept_cohost"));
    adaSocket.expectError("not_invited");
  }

  @Test
  void requestsToSpeakReachTheHostOnly() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    TestSocket bystander = room.listener(user("bob"));

    adaSocket.send(msg("request_to_speak"));
    JsonObject request = room.host.expect("speak_request");
    assertEquals(ada, request.getString("participant_id"));
    assertEquals(ada, request.getString("username"));

    // The host's room_state (after reconnecting) lists pending requests.
    room.host.close();
    TestSocket host = podium.goLive(node, room.hostId);
    JsonArray pending = host.expect("room_state").getJsonArray("speak_requests");
    assertEquals(ada, pending.getJsonObject(0).getString("participant_id"));

    adaSocket.send(msg("cancel_request"));
    assertEquals(ada, host.expect("speak_request_cancelled").getString("participant_id"));
    adaSocket.send(msg("request_to_speak"));
    host.expect("speak_request");
    host.send(msg("dismiss_request").put("participant_id", ada));
    assertNotNull(adaSocket.expect("speak_request_dismissed").getString("message"));
    bystander.send(msg("dismiss_request").put("participant_id", ada));
    bystander.expectError("not_host");
    assertTrue(bystander.seen("speak_request").isEmpty());

    adaSocket.send(msg("request_to_speak"));
    host.expect("speak_request");
    host.send(msg("invite_cohost").put("user_id", ada));
    adaSocket.expect("cohost_invite");
    adaSocket.send(msg("accept_cohost"));
    host.expect("cohost_joined");
    adaSocket.send(msg("request_to_speak"));
    adaSocket.expectError("already_cohost");
  }

  @Test
  void muting() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    String bob = user("bob");
    TestSocket bobSocket = room.listener(bob);
    room.promote(ada, adaSocket);

    room.host.send(msg("mute").put("participant_id", ada));
    JsonObject muted = bobSocket.expect("muted");
    assertEquals(ada, muted.getString("participant_id"));
    assertEquals(room.hostId, muted.getString("by"));
    adaSocket.send(msg("unmute"));
    JsonObject unmuted = bobSocket.expect("unmuted");
    assertEquals(ada, unmuted.getString("participant_id"));
    adaSocket.send(msg("mute"));
    assertEquals(ada, bobSocket.expect("muted").getString("by"));

    room.host.send(msg("unmute").put("participant_id", ada));
    room.host.expectError("not_allowed");
    room.host.send(msg("mute").put("participant_id", bob));
    room.host.expectError("not_cohost");
    bobSocket.send(msg("mute").put("participant_id", ada));
    bobSocket.expectError("not_host");
    bobSocket.send(msg("mute"));
    bobSocket.expectError("not_cohost");
  }

  @Test
  void aRemovedParticipantIsClosedAndCannotReturn() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    String bob = user("bob");
    TestSocket bobSocket = room.listener(bob);
    room.promote(ada, adaSocket);

    bobSocket.send(msg("remove_participant").put("participant_id", ada));
    bobSocket.expectError("not_host");
    room.host.send(msg("remove_participant").put("participant_id", "nobody"));
    room.host.expectError("not_in_room");

    room.host.send(msg("remove_participant").put("participant_id", ada));
    assertNotNull(adaSocket.expect("removed").getString("message"));
    assertEquals(1000, adaSocket.awaitClose());
    bobSocket.expect("cohost_removed", m -> ada.equals(m.getString("participant_id")));
    bobSocket.expect("participant_left", m -> ada.equals(m.getString("user_id")));

    TestSocket again = podium.join(node, room.eventId, ada);
    again.expectError("banned");
    assertEquals(4003, again.awaitClose());
    assertFalse(bobSocket.isClosed());
  }

  @Test
  void onlyTheHostSwitchesModeAndLateJoinersSeeIt() {
    Room room = new Room();
    TestSocket bob = room.listener(user("bob"));
    TestSocket watcher = podium.connect(node, "/ws/active-streams/");
    watcher.expect("active_streams");

    bob.send(msg("switching_to_screen_sharing").put("stream", "screen"));
    bob.expectError("not_host");

    room.host.send(msg("switching_to_screen_sharing").put("stream", "screen"));
    assertEquals(
        "switching_to_screen_sharing", bob.expect("stream_mode_changed").getString("mode"));
    assertNotNull(bob.expect("screen_sharing_started").getString("message"));
    assertEquals(
        "screen",
        podium.join(node, room.eventId, user("late")).expect("room_state").getString("mode"));
    watcher.expect(
        "active_streams",
        m -> {
          JsonObject s = LiveRoomEndToEndTest.streamOf(m.getJsonArray("streams"), room.eventId);
          return s != null && "screen".equals(s.getString("mode"));
        });

    room.host.send(msg("switching_to_audio").put("stream", "audio"));
    assertEquals(
        "switching_to_audio",
        bob.expect("stream_mode_changed", m -> "switching_to_audio".equals(m.getString("mode")))
            .getString("mode"));
    bob.expect("audio_streaming_started");
  }

  @Test
  void signallingGoesToOneUserOrToEveryoneElse() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    TestSocket bob = room.listener(user("bob"));

    JsonObject offer = new JsonObject().put("type", "offer").put("sdp", "v=0\r\n...");
    room.host.send(msg("webrtc_offer").put("offer", offer).put("to", ada));
    JsonObject got = adaSocket.expect("webrtc_offer");
    assertEquals(offer, got.getJsonObject("offer"));
    assertEquals(room.hostId, got.getString("from"));

    adaSocket.send(
        msg("webrtc_answer")
            .put("answer", new JsonObject().put("sdp", "answer"))
            .put("to", room.hostId));
    assertEquals(ada, room.host.expect("webrtc_answer").getString("from"));
    adaSocket.send(
        msg("ice_candidate").put("candidate", new JsonObject().put("candidate", "candidate:1")));
    room.host.expect("ice_candidate");
    bob.expect("ice_candidate");
    adaSocket.send(msg("ice_candidate"));
    adaSocket.expectError("bad_request");

    // Bob saw the broadcast candidate but neither the offer nor the answer addressed to others.
    bob.send(msg("get_participants"));
    bob.expect("participant_page");
    assertTrue(bob.seen("webrtc_offer").isEmpty());
    assertTrue(bob.seen("webrtc_answer").isEmpty());
    assertTrue(
        adaSocket.seen("ice_candidate").isEmpty(),
        "the sender does not get its own broadcast back");
  }

  @Test
  void sendInviteReachesAUserInAnotherEventOrSaysOffline() {
    Room first = new Room();
    Room second = new Room();
    String ada = user("ada");
    TestSocket adaElsewhere = second.listener(ada);

    first.host.send(msg("send_invite").put("user_id", ada));
    JsonObject invitation = adaElsewhere.expect("invite_notification");
    assertEquals(first.hostId, invitation.getString("from_user"));
    assertEquals(first.eventId, invitation.getJsonObject("event").getString("id"));
    assertNotNull(invitation.getString("message"));

    first.host.send(msg("send_invite").put("user_id", "nobody-online"));
    first.host.expectError("user_offline");
  }

  @Test
  void aCohostWhoReconnectsWithinTheGraceKeepsTheRoleAndLosesItAfter() {
    Room room = new Room();
    String ada = user("ada");
    TestSocket adaSocket = room.listener(ada);
    TestSocket bob = room.listener(user("bob"));
    room.promote(ada, adaSocket);

    adaSocket.close();
    bob.expect("participant_left", m -> ada.equals(m.getString("user_id")));
    TestSocket back = podium.join(node, room.eventId, ada);
    assertEquals("cohost", back.expect("room_state").getJsonObject("you").getString("role"));
    bob.expect(
        "participant_list", m -> entry(m, ada) != null && entry(m, ada).getBoolean("is_cohost"));

    back.close();
    JsonObject left = bob.expect("cohost_left");
    assertEquals(ada, left.getString("user_id"));
    TestSocket later = podium.join(node, room.eventId, ada);
    assertEquals("listener", later.expect("room_state").getJsonObject("you").getString("role"));
  }

  @Test
  void nothingLeaksAcrossEvents() {
    Room a = new Room();
    Room b = new Room();
    String ada = user("ada");
    TestSocket adaInA = a.listener(ada);
    TestSocket adaInB = b.listener(ada);
    TestSocket bobInB = b.listener(user("bob"));

    a.host.send(msg("invite_cohost").put("user_id", ada));
    adaInA.expect("cohost_invite");
    adaInA.send(msg("accept_cohost"));
    a.host.expect("cohost_joined");
    a.host.send(msg("switching_to_screen_sharing"));
    a.host.expect("screen_sharing_started");
    a.host.send(msg("broadcast_message").put("message", "only in A"));
    adaInA.expect("message_broadcast");

    // In B ada is still a listener, B is still audio, and B saw none of it.
    adaInB.send(msg("accept_cohost"));
    adaInB.expectError("not_invited");
    b.host.send(msg("mute").put("participant_id", ada));
    b.host.expectError("not_cohost");
    for (String type :
        new String[] {
          "cohost_invite", "cohost_joined", "stream_mode_changed", "message_broadcast"
        }) {
      assertTrue(adaInB.seen(type).isEmpty(), type + " leaked into B");
      assertTrue(bobInB.seen(type).isEmpty(), type + " leaked into B");
    }
    assertEquals(
        "audio", podium.join(node, b.eventId, user("late")).expect("room_state").getString("mode"));
  }

  static JsonObject entry(JsonObject list, String userId) {
    for (Object o : list.getJsonArray("participants")) {
      JsonObject p = (JsonObject) o;
      if (userId.equals(p.getString("user_id"))) {
        return p;
      }
    }
    return null;
  }
}
