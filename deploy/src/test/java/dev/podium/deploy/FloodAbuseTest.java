package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.gateway.rates.MessageClass;
import dev.podium.gateway.rates.MessageLimits;
import dev.podium.gateway.rates.Rate;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Room-wide amplification, tried by one member against the shipped defaults: for each client
 * message that reaches other people or costs a service call, a flood of 300 gets the abuser {@code
 * rate_limited} (with a retry time) and then a 4029 ({@code flooding}) close, and what the others
 * actually received stays within the burst plus the rate over the attack's duration.
 */
class FloodAbuseTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final MessageLimits LIMITS = MessageLimits.defaults();
  private static final int FLOOD = 300;

  /** Straggling deliveries after the close are still counted: a deliberate measuring window. */
  private static final long STRAGGLERS_MS = 500;

  private static PodiumHarness podium;
  private static Vertx node;
  private static Bystanders bystanders;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    node = podium.startAllInOne();
    bystanders = Bystanders.start(podium.port(node), TestTokens::valid);
  }

  @AfterAll
  static void stop() {
    bystanders.close();
    podium.close();
  }

  /**
   * A live event with its host, the abuser, another listener and an invite target, all past their
   * joins.
   */
  private static final class Room {
    final String eventId;
    final String hostId = "host" + IDS.incrementAndGet();
    final String abuserId = "abuser" + IDS.incrementAndGet();
    final String otherId = "other" + IDS.incrementAndGet();
    final String targetId = "target" + IDS.incrementAndGet();
    final TestSocket host;
    final TestSocket abuser;
    final TestSocket other;
    final TestSocket target;

    Room() {
      host = podium.goLive(node, hostId);
      eventId = host.eventId();
      host.expect("room_state");
      abuser = join(abuserId);
      other = join(otherId);
      target = join(targetId);
    }

    private TestSocket join(String userId) {
      TestSocket socket = podium.join(node, eventId, userId);
      socket.expect("room_state");
      host.expect("participant_joined", m -> userId.equals(m.getString("user_id")));
      return socket;
    }

    List<TestSocket> others() {
      return List.of(host, other, target);
    }
  }

  private static JsonObject msg(String type) {
    return new JsonObject().put("type", type);
  }

  /**
   * Sends {@code FLOOD} messages as fast as the client can, asserts the sender was told {@code
   * rate_limited} with a retry time and then closed with 4029, and returns how long the sender was
   * heard (ms) for the allowance.
   */
  private static long flood(TestSocket abuser, IntFunction<JsonObject> message) {
    long started = System.nanoTime();
    for (int i = 0; i < FLOOD; i++) {
      abuser.send(message.apply(i));
    }
    // The gateway's refusal says when to retry (the chat-service's own, for chat, may come too).
    JsonObject limited =
        abuser.expect(
            "error",
            e ->
                "rate_limited".equals(e.getString("code"))
                    && e.getString("details", "").matches(".*retry in \\d+ ms.*"));
    assertTrue(limited.getString("message") != null, limited.encode());
    assertEquals(4029, abuser.awaitClose(), "sustained abuse closes the socket");
    long heardMs = (System.nanoTime() - started) / 1_000_000;
    JsonObject closing =
        abuser.seen("error").stream()
            .filter(e -> "flooding".equals(e.getString("code")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no flooding error before the close"));
    assertTrue(closing.getString("details") != null, closing.encode());
    return heardMs;
  }

  /** The most messages of a class one user can have had accepted over {@code ms}. */
  private static long allowance(MessageClass messageClass, long ms) {
    Rate rate = LIMITS.rate(messageClass);
    return rate.burst() + (long) Math.ceil(rate.perMinute() * ms / 60_000.0) + 1;
  }

  /**
   * Lets deliveries still in flight arrive, so they are counted too: a deliberate measuring window.
   */
  private static void stragglers() throws InterruptedException {
    Thread.sleep(STRAGGLERS_MS);
  }

  private static void assertWithin(long allowed, TestSocket socket, String... types) {
    long got = 0;
    for (String type : types) {
      got += socket.seen(type).size();
    }
    assertTrue(
        got <= allowed, "received " + got + " of " + List.of(types) + ", allowed " + allowed);
    assertFalse(socket.isClosed(), "the flood's recipient is still connected");
  }

  @ParameterizedTest
  @ValueSource(strings = {"webrtc_offer", "webrtc_answer", "ice_candidate"})
  void signallingToTheWholeRoomHasItsOwnLowRate(String type) throws Exception {
    Room room = new Room();
    String field = payloadField(type);
    bystanders.startMeasuring();
    long ms =
        flood(room.abuser, i -> msg(type).put(field, new JsonObject().put("sdp", "v=0 " + i)));
    long allowed = allowance(MessageClass.SIGNAL_BROADCAST, ms);
    stragglers();
    for (TestSocket recipient : room.others()) {
      assertWithin(allowed, recipient, type);
    }
    assertTrue(room.host.seen(type).size() >= 1, "the burst itself was relayed");
    bystanders.assertWell();
  }

  @ParameterizedTest
  @ValueSource(strings = {"webrtc_offer", "webrtc_answer", "ice_candidate"})
  void signallingToOneUserIsLimitedButARealNegotiationIsNot(String type) throws Exception {
    Room room = new Room();
    String field = payloadField(type);
    // What a browser sends: an offer, then a burst of ICE candidates. None of it is refused.
    room.abuser.send(msg("webrtc_offer").put("offer", "v=0").put("to", room.otherId));
    for (int i = 0; i < 30; i++) {
      room.abuser.send(
          msg("ice_candidate")
              .put("candidate", new JsonObject().put("candidate", "c" + i))
              .put("to", room.otherId));
    }
    TestSocket.awaitCondition(
        () -> room.other.seen("ice_candidate").size() == 30, TestSocket.WAIT_MS);
    assertEquals(30, room.other.seen("ice_candidate").size());
    assertTrue(
        room.abuser.seen("error").isEmpty(),
        "a real negotiation is never limited: " + room.abuser.seen("error"));

    bystanders.startMeasuring();
    int before = room.other.seen(type).size();
    long ms =
        flood(
            room.abuser,
            i -> msg(type).put(field, new JsonObject().put("n", i)).put("to", room.otherId));
    stragglers();
    assertWithin(allowance(MessageClass.SIGNAL_DIRECT, ms) + before, room.other, type);
    assertTrue(room.host.seen(type).isEmpty(), "addressed to one user, nobody else hears it");
    bystanders.assertWell();
  }

  /** The attack seen: 80 × 60 KB offers to the whole room. Refused by size; nobody hears any. */
  @Test
  void bigOffersToTheWholeRoomAreRefusedBySize() throws Exception {
    Room room = new Room();
    ClientWebSocket stuck =
        podium.connectStuck(
            node,
            "/ws/stream/live/join/event/"
                + room.eventId
                + "/slow/slow/?token="
                + TestTokens.valid("slow"));
    room.host.expect("participant_joined", m -> "slow".equals(m.getString("user_id")));
    // A real browser offer (audio, video, every codec: about 7 KB) still reaches the room.
    room.abuser.send(
        msg("webrtc_offer")
            .put(
                "offer",
                new JsonObject()
                    .put("type", "offer")
                    .put("sdp", "a=rtpmap:96 VP8/90000\r\n".repeat(300))));
    room.host.expect("webrtc_offer");
    room.other.expect("webrtc_offer");
    String sdp = "a".repeat(60 * 1024 - 100);
    bystanders.startMeasuring();
    for (int i = 0; i < 80; i++) {
      room.abuser.send(msg("webrtc_offer").put("offer", sdp));
    }
    JsonObject tooLarge = room.abuser.expectError("frame_too_large");
    assertTrue(tooLarge.getString("details").contains("'to'"), tooLarge.encode());
    // 80 refusals in a moment are sustained abuse too.
    assertEquals(4029, room.abuser.awaitClose());
    stragglers();
    for (TestSocket recipient : room.others()) {
      assertWithin(1, recipient, "webrtc_offer"); // the real offer only
    }
    assertFalse(stuck.isClosed(), "a slow listener is not pushed out by someone else's flood");
    bystanders.assertWell();
  }

  @Test
  void requestsToSpeakReachTheHostOnlyWithinTheRate() throws Exception {
    Room room = new Room();
    bystanders.startMeasuring();
    long ms = flood(room.abuser, i -> msg(i % 2 == 0 ? "request_to_speak" : "cancel_request"));
    stragglers();
    assertWithin(
        allowance(MessageClass.SPEAK_REQUEST, ms),
        room.host,
        "speak_request",
        "speak_request_cancelled");
    bystanders.assertWell();
  }

  @Test
  void invitationsReachTheirTargetOnlyWithinTheRate() throws Exception {
    Room room = new Room();
    bystanders.startMeasuring();
    long ms = flood(room.abuser, i -> msg("send_invite").put("user_id", room.targetId));
    stragglers();
    assertWithin(allowance(MessageClass.INVITE, ms), room.target, "invite_notification");
    bystanders.assertWell();
  }

  /** Service calls made for client messages of this type so far (the gateway's request timer). */
  private static long serviceCalls(String type) {
    return (long)
        dev.podium.runtime.ops.Observability.registry(node)
            .find("podium_service_request")
            .tag("type", type)
            .timers()
            .stream()
            .mapToLong(io.micrometer.core.instrument.Timer::count)
            .sum();
  }

  /**
   * Stage operations a listener may not perform still cost a room-service call each: the calls made
   * stay within the rate (counted by the gateway's request timer), and nobody else hears anything.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "invite_cohost",
        "remove_cohost",
        "dismiss_request",
        "remove_participant",
        "mute",
        "unmute",
        "switching_to_audio",
        "switching_to_screen_sharing",
        "accept_cohost",
        "cohost_reject",
        "cohost_leave",
        "stream_ended"
      })
  void stageOperationsCostServiceCallsOnlyWithinTheRate(String type) throws Exception {
    Room room = new Room();
    bystanders.startMeasuring();
    long before = serviceCalls(type);
    long ms =
        flood(
            room.abuser,
            i -> msg(type).put("user_id", room.otherId).put("participant_id", room.otherId));
    stragglers();
    long calls = serviceCalls(type) - before;
    assertTrue(
        calls >= 1 && calls <= allowance(MessageClass.STAGE, ms),
        "service calls " + calls + ", allowed " + allowance(MessageClass.STAGE, ms));
    assertTrue(room.other.seen("error").isEmpty());
    assertFalse(room.host.isClosed());
    bystanders.assertWell();
  }

  /** A host's own flood of mode switches: the room hears at most the rate's worth. */
  @Test
  void aHostsModeSwitchesReachTheRoomOnlyWithinTheRate() throws Exception {
    Room room = new Room();
    bystanders.startMeasuring();
    long ms =
        flood(
            room.host, i -> msg(i % 2 == 0 ? "switching_to_screen_sharing" : "switching_to_audio"));
    stragglers();
    assertWithin(allowance(MessageClass.STAGE, ms), room.other, "stream_mode_changed");
    bystanders.assertWell();
  }

  @Test
  void participantPagesAreServedOnlyWithinTheRate() throws Exception {
    Room room = new Room();
    bystanders.startMeasuring();
    long before = serviceCalls("get_participants");
    long ms = flood(room.abuser, i -> msg("get_participants"));
    stragglers();
    long pages = serviceCalls("get_participants") - before;
    assertTrue(pages >= 1 && pages <= allowance(MessageClass.PARTICIPANTS, ms), "pages " + pages);
    bystanders.assertWell();
  }

  @Test
  void chatReachesTheRoomOnlyWithinTheRate() throws Exception {
    Room room = new Room();
    bystanders.startMeasuring();
    long ms = flood(room.abuser, i -> msg("broadcast_message").put("message", "spam " + i));
    stragglers();
    for (TestSocket recipient : room.others()) {
      assertWithin(allowance(MessageClass.CHAT, ms), recipient, "message_broadcast");
    }
    bystanders.assertWell();
  }

  /** More sockets buy no more messages: a user's sockets (here in two rooms) share one budget. */
  @Test
  void aUsersSocketsShareOneBudget() {
    Room first = new Room();
    Room second = new Room();
    TestSocket again = podium.join(node, second.eventId, first.abuserId);
    again.expect("room_state");
    bystanders.startMeasuring();
    int burst = LIMITS.rate(MessageClass.INVITE).burst();
    for (int i = 0; i < burst; i++) {
      first.abuser.send(msg("send_invite").put("user_id", first.targetId));
    }
    TestSocket.awaitCondition(
        () -> first.target.seen("invite_notification").size() == burst, TestSocket.WAIT_MS);
    assertEquals(burst, first.target.seen("invite_notification").size());
    again.send(msg("send_invite").put("user_id", second.targetId));
    again.expectError("rate_limited");
    assertTrue(second.target.seen("invite_notification").isEmpty());
    bystanders.assertWell();
  }

  private static String payloadField(String type) {
    return switch (type) {
      case "webrtc_offer" -> "offer";
      case "webrtc_answer" -> "answer";
      default -> "candidate";
    };
  }
}
