package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Today's host and listener pages against a running Podium, played as they behave (see {@code
 * wire-contract.md}, "What the old pages rely on"): no subprotocol, the old paths and messages, a
 * token added. Each test reads the messages the way the page reads them.
 */
class TodaysPagesTest {
  private static final AtomicInteger IDS = new AtomicInteger(1000);
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  /**
   * Numeric ids and names unlike them, as the old pages' users have: an id mixed up with a name
   * shows.
   */
  private static String id() {
    return String.valueOf(IDS.incrementAndGet());
  }

  private static JsonObject msg(String type) {
    return new JsonObject().put("type", type);
  }

  private static TestSocket hostPage(String userId, String name) {
    return podium.connect(
        node, "/ws/stream/start/live/" + userId + "/?token=" + TestTokens.valid(userId, name));
  }

  private static TestSocket listenerPage(String eventId, String userId, String name) {
    return podium.connect(
        node,
        "/ws/stream/live/join/event/"
            + eventId
            + "/"
            + name.replace(" ", "%20")
            + "/"
            + userId
            + "/?token="
            + TestTokens.valid(userId, name));
  }

  /**
   * The host page's "Live Event Link": any message that carries {@code event_id} is taken for the
   * stream link and its {@code join_url} shown (JavaScript shows a missing one as "undefined").
   */
  private static String hostPageLink(List<JsonObject> received) {
    String shown = null;
    for (JsonObject m : received) {
      if (m.containsKey("event_id")) {
        shown = m.containsKey("join_url") ? String.valueOf(m.getValue("join_url")) : "undefined";
      }
    }
    return shown;
  }

  private static List<String> typesCarryingEventId(List<JsonObject> received) {
    return received.stream()
        .filter(m -> m.containsKey("event_id"))
        .map(m -> m.getString("type"))
        .toList();
  }

  @Test
  void theHostPageKeepsItsLiveEventLinkFromGoingLiveToTheEnd() {
    String hostId = id();
    TestSocket host = hostPage(hostId, "Hanna Host");
    JsonObject link = host.expect("stream_link");
    String eventId = link.getString("event_id");
    String joinUrl = link.getString("join_url");
    assertEquals(
        "ws://127.0.0.1:" + podium.port(node) + "/ws/stream/live/join/event/" + eventId + "/",
        joinUrl);
    host.expect("room_state");
    host.expect("chat_history");

    String listenerId = id();
    TestSocket listener = listenerPage(eventId, listenerId, "Lena Listener");
    listener.expect("room_state");
    host.expect("participant_joined", m -> listenerId.equals(m.getString("user_id")));

    listener.send(msg("broadcast_message").put("message", "hello"));
    host.expect("message_broadcast", m -> "hello".equals(m.getString("message")));
    // The listener page's invite button: it lands on the host page as invite_notification.
    listener.send(msg("send_invite").put("user_id", hostId));
    host.expect("invite_notification");

    host.send(msg("invite_cohost").put("user_id", listenerId));
    listener.expect("cohost_invite");
    listener.send(msg("accept_cohost"));
    host.expect("cohost_joined", m -> listenerId.equals(m.getString("participant_id")));
    host.send(msg("switching_to_screen_sharing").put("stream", "screen"));
    host.expect("screen_sharing_started");
    host.send(msg("switching_to_audio").put("stream", "audio"));
    host.expect("audio_streaming_started");
    listener.send(msg("cohost_leave").put("participant_id", listenerId));
    host.expect("cohost_left", m -> listenerId.equals(m.getString("user_id")));

    String passerId = id();
    TestSocket passer = listenerPage(eventId, passerId, "Paul Passer");
    passer.expect("room_state");
    passer.send(msg("leave_room").put("participant_id", passerId).put("username", "Paul Passer"));
    host.expect("participant_left", m -> passerId.equals(m.getString("user_id")));

    host.send(msg("stream_ended").put("event_id", eventId));
    host.expect("stream_ended");
    listener.expect("stream_ended");
    assertEquals(1000, host.awaitClose());

    List<JsonObject> hostSaw = host.seen();
    Set<String> types = hostSaw.stream().map(m -> m.getString("type")).collect(Collectors.toSet());
    assertTrue(
        types.containsAll(Set.of("room_state", "invite_notification", "stream_ended")),
        "the messages that once carried event_id were all received: " + types);
    assertEquals(
        List.of("stream_link"),
        typesCarryingEventId(hostSaw),
        "only the stream link carries event_id");
    assertEquals(joinUrl, hostPageLink(hostSaw), "the link the host page shows at the end");
    assertEquals(
        List.of(),
        typesCarryingEventId(listener.seen()),
        "nothing the listener page gets carries event_id");
    assertEquals(List.of(), typesCarryingEventId(passer.seen()));
  }

  @Test
  void everyErrorTheOldPagesCanMeetShowsDetails() {
    List<JsonObject> errors = new ArrayList<>();
    TestSocket noToken = podium.connect(node, "/ws/stream/start/live/" + id() + "/");
    errors.add(noToken.expectError("token_missing"));
    String stranger = id();
    TestSocket lost = listenerPage("nosuchevent1", stranger, "Lost Listener");
    errors.add(lost.expectError("event_not_found"));

    String hostId = id();
    TestSocket host = hostPage(hostId, "Hanna Host");
    String eventId = host.expect("stream_link").getString("event_id");
    host.expect("room_state");
    TestSocket listener = listenerPage(eventId, id(), "Lena Listener");
    listener.expect("chat_history");

    listener.sendText("not json");
    errors.add(listener.expectError("bad_json"));
    listener.send(msg("switching_to_video").put("stream", "video"));
    errors.add(listener.expectError("unknown_type"));
    listener.send(msg("stream_ended").put("event_id", eventId));
    errors.add(listener.expectError("not_host"));
    listener.send(msg("broadcast_message").put("message", "   "));
    errors.add(listener.expectError("empty_message"));
    listener.send(msg("broadcast_message").put("message", "x".repeat(1001)));
    errors.add(listener.expectError("message_too_long"));
    listener.send(msg("accept_cohost"));
    errors.add(listener.expectError("not_invited"));
    listener.send(msg("cohost_leave").put("participant_id", "nobody"));
    errors.add(listener.expectError("not_cohost"));
    listener.send(msg("send_invite").put("user_id", "nobody-online"));
    errors.add(listener.expectError("user_offline"));
    listener.send(msg("invite_cohost"));
    errors.add(listener.expectError("bad_request"));
    listener.sendBinary(Buffer.buffer(new byte[8192]));
    errors.add(listener.expectError("not_allowed"));
    host.send(msg("invite_cohost").put("user_id", "nobody-here"));
    errors.add(host.expectError("not_in_room"));

    for (JsonObject error : errors) {
      String details = error.getString("details");
      // TestSocket already refuses blank details or the bare code; an old page shows only this.
      assertNotEquals(
          error.getString("message"), details, "details say more than the message: " + error);
      assertTrue(details.length() >= 20, "a sentence, not a word: " + error);
    }
    assertFalse(errors.isEmpty());
  }

  @Test
  void anInvitationNamesItsSenderByUserIdAsTheOldServerDid() {
    String hostId = id();
    TestSocket host = hostPage(hostId, "Hanna Host");
    String eventId = host.expect("stream_link").getString("event_id");
    String inviterId = id();
    String inviteeId = id();
    TestSocket inviter = listenerPage(eventId, inviterId, "Ines Inviter");
    inviter.expect("room_state");
    TestSocket invitee = listenerPage(eventId, inviteeId, "Ivo Invitee");
    invitee.expect("room_state");

    inviter.send(msg("send_invite").put("user_id", inviteeId));
    JsonObject invitation = invitee.expect("invite_notification");
    // The page compares from_user with user ids using ===: a string, the id, not the name.
    assertEquals(inviterId, invitation.getValue("from_user"));
    assertEquals(
        new JsonObject().put("user_id", inviterId).put("username", "Ines Inviter"),
        invitation.getJsonObject("from"));
    assertEquals(eventId, invitation.getJsonObject("event").getString("id"));
    assertFalse(
        invitation.containsKey("event_id"), "an invitation must not pass for a stream link");
  }
}
