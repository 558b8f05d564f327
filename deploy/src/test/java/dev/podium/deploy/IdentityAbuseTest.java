package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Identity spoofing against a gateway with guests allowed: names from the URL against the token's,
 * names that imitate the host, names with control, bidi or invisible characters, absurd lengths, a
 * null name claim, and a guest trying to take an invited signed-in user's id and seat.
 */
class IdentityAbuseTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String HOST_NAME = "Hostess Hana";

  private static PodiumHarness podium;
  private static Vertx node;
  private static Bystanders bystanders;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of("PODIUM_ALLOW_GUESTS", "true"));
    node = podium.startAllInOne();
    bystanders = Bystanders.start(podium.port(node), TestTokens::valid);
  }

  @AfterAll
  static void stop() {
    bystanders.close();
    podium.close();
  }

  /** A live event whose host is called {@link #HOST_NAME}; returns the host's socket. */
  private static TestSocket liveEvent() {
    String hostId = "hana" + IDS.incrementAndGet();
    TestSocket host =
        podium.connect(
            node,
            "/ws/stream/start/live/" + hostId + "/?token=" + TestTokens.valid(hostId, HOST_NAME));
    host.expect("stream_link");
    assertEquals(HOST_NAME, host.expect("room_state").getJsonObject("you").getString("username"));
    return host;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String joinUri(String eventId, String urlName, String userId, String token) {
    return "/ws/stream/live/join/event/"
        + eventId
        + "/"
        + enc(urlName)
        + "/"
        + enc(userId)
        + "/"
        + (token == null ? "" : "?token=" + token);
  }

  private static String tokenWithName(String userId, Object name) {
    JsonObject claims =
        new JsonObject()
            .put("user_id", userId)
            .put("exp", System.currentTimeMillis() / 1000 + 3600);
    if (name == JsonObject.class) {
      claims.putNull("username");
    } else if (name != null) {
      claims.put("username", name);
    }
    return TestTokens.sign(claims, TestTokens.SECRET);
  }

  private static JsonObject you(TestSocket socket) {
    return socket.expect("room_state").getJsonObject("you");
  }

  @Test
  void theTokensNameWinsOverTheUrlsAndIsWhatTheRoomSees() {
    TestSocket host = liveEvent();
    bystanders.startMeasuring();
    String id = "alice" + IDS.incrementAndGet();
    TestSocket alice =
        podium.connect(node, joinUri(host.eventId(), HOST_NAME, id, TestTokens.valid(id, "Alice")));
    assertEquals("Alice", you(alice).getString("username"));
    alice.send(new JsonObject().put("type", "broadcast_message").put("message", "hello"));
    JsonObject said = host.expect("message_broadcast", m -> id.equals(m.getString("user_id")));
    assertEquals("Alice", said.getString("username"));
    assertEquals(
        "Alice joined live.",
        host.expect("participant_joined", m -> id.equals(m.getString("user_id")))
            .getString("message"));

    // A token without a name: the URL's name is used.
    String bob = "bob" + IDS.incrementAndGet();
    TestSocket bobSocket =
        podium.connect(node, joinUri(host.eventId(), "Bobby", bob, tokenWithName(bob, null)));
    assertEquals("Bobby", you(bobSocket).getString("username"));
    bystanders.assertWell();
  }

  @Test
  void nobodyElseAppearsUnderTheHostsName() {
    TestSocket host = liveEvent();
    String eventId = host.eventId();
    bystanders.startMeasuring();
    String id = "mallory" + IDS.incrementAndGet();
    // Via the token's name, case and spacing changed, full-width letters...
    TestSocket viaToken =
        podium.connect(node, joinUri(eventId, "x", id, TestTokens.valid(id, "hostess  HANA")));
    assertEquals("hostess HANA (not the host)", you(viaToken).getString("username"));
    String id2 = "mallory" + IDS.incrementAndGet();
    TestSocket wide =
        podium.connect(node, joinUri(eventId, "x", id2, TestTokens.valid(id2, "Ｈｏｓｔｅｓｓ Ｈａｎａ")));
    assertTrue(you(wide).getString("username").endsWith("(not the host)"));
    // ...and as a guest via the URL.
    TestSocket guest =
        podium.connect(node, joinUri(eventId, " Hostess Hana ", "g" + IDS.incrementAndGet(), null));
    assertEquals(HOST_NAME + " (not the host)", you(guest).getString("username"));

    viaToken.send(
        new JsonObject().put("type", "broadcast_message").put("message", "I am the host"));
    JsonObject said = host.expect("message_broadcast", m -> id.equals(m.getString("user_id")));
    assertFalse(DisplayNamesView.same(HOST_NAME, said.getString("username")), said.encode());
    bystanders.assertWell();
  }

  /** Names from the URL that cannot be shown are refused at the handshake, with details. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "nul\u0000name",
        "\u202Eanah ssetsoH",
        "\u200B",
        "\u200B\u200C\u2060",
        "line\r\nbreak",
        "tab\there",
        "   "
      })
  void badUrlNamesAreRefused(String name) {
    TestSocket host = liveEvent();
    bystanders.startMeasuring();
    TestSocket guest =
        podium.connect(node, joinUri(host.eventId(), name, "g" + IDS.incrementAndGet(), null));
    JsonObject error = guest.expectError("invalid_name");
    assertTrue(error.getString("details").length() > 10, error.encode());
    assertEquals(4400, guest.awaitClose());
    String id = "signed" + IDS.incrementAndGet();
    TestSocket signedIn =
        podium.connect(node, joinUri(host.eventId(), name, id, TestTokens.valid(id, "Sig")));
    signedIn.expectError("invalid_name");
    assertEquals(4400, signedIn.awaitClose());
    assertFalse(host.isClosed());
    bystanders.assertWell();
  }

  @Test
  void aVeryLongUrlNameIsRefused() {
    TestSocket host = liveEvent();
    bystanders.startMeasuring();
    TestSocket guest =
        podium.connect(
            node, joinUri(host.eventId(), "n".repeat(3500), "g" + IDS.incrementAndGet(), null));
    assertTrue(guest.expectError("invalid_name").getString("details").contains("3500"));
    assertEquals(4400, guest.awaitClose());
    bystanders.assertWell();
  }

  /**
   * A token's name that cannot be shown falls back to the user id; a null one counts as no name
   * (the URL's name, else the id): never "null".
   */
  @Test
  void badOrNullTokenNamesFallBackToTheUserId() {
    TestSocket host = liveEvent();
    bystanders.startMeasuring();
    String nullNamed = "t" + IDS.incrementAndGet();
    TestSocket withNull =
        podium.connect(
            node,
            joinUri(
                host.eventId(), "Nella", nullNamed, tokenWithName(nullNamed, JsonObject.class)));
    assertEquals("Nella", you(withNull).getString("username"));
    assertEquals(
        "Nella joined live.",
        host.expect("participant_joined", m -> nullNamed.equals(m.getString("user_id")))
            .getString("message"));
    // 2,000 characters: a longer token no longer fits the request line (414 before the gateway sees
    // it).
    Object[] names = {"\u202Eevil", "a\r\nb", "\u200B", "x".repeat(2000), "nul\u0000"};
    for (Object name : names) {
      String id = "t" + IDS.incrementAndGet();
      TestSocket socket =
          podium.connect(node, joinUri(host.eventId(), "ignored", id, tokenWithName(id, name)));
      assertEquals(id, you(socket).getString("username"), "name " + name);
      JsonObject joined = host.expect("participant_joined", m -> id.equals(m.getString("user_id")));
      assertEquals(id + " joined live.", joined.getString("message"));
    }
    assertTrue(
        host.seen("participant_joined").stream().noneMatch(m -> m.encode().contains("null")));
    bystanders.assertWell();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\r\nInjected: line", "nul\u0000", "\u202Eid", "long"})
  void badUserIdsAreRefused(String id) {
    TestSocket host = liveEvent();
    String userId = "long".equals(id) ? "u".repeat(300) : id;
    bystanders.startMeasuring();
    TestSocket guest = podium.connect(node, joinUri(host.eventId(), "Name", userId, null));
    assertTrue(guest.expectError("invalid_user_id").getString("details").length() > 10);
    assertEquals(4400, guest.awaitClose());
    TestSocket badHost =
        podium.connect(
            node, "/ws/stream/start/live/" + enc(userId) + "/?token=" + TestTokens.valid(userId));
    badHost.expectError("invalid_user_id");
    assertEquals(4400, badHost.awaitClose());
    bystanders.assertWell();
  }

  @Test
  void aTokenCannotClaimTheGuestsNamespace() {
    TestSocket host = liveEvent();
    bystanders.startMeasuring();
    String id = "guest:g" + IDS.incrementAndGet();
    TestSocket socket =
        podium.connect(node, joinUri(host.eventId(), "G", id, TestTokens.valid(id)));
    socket.expectError("invalid_user_id");
    assertEquals(4400, socket.awaitClose());
    bystanders.assertWell();
  }

  /**
   * The attack seen: a signed-in listener is invited to co-host and drops; a guest joins with their
   * id, accepts and is heard. Now the guest gets a guest id, holds no invitation, cannot be
   * invited, cannot ask to speak, and the binary it sends is not mixed.
   */
  @Test
  void aGuestCannotTakeAnInvitedUsersIdOrSeat() {
    TestSocket host = liveEvent();
    String eventId = host.eventId();
    String ivy = "ivy" + IDS.incrementAndGet();
    TestSocket ivySocket = podium.join(node, eventId, ivy);
    ivySocket.expect("room_state");
    host.send(new JsonObject().put("type", "invite_cohost").put("user_id", ivy));
    ivySocket.expect("cohost_invite");
    bystanders.startMeasuring();
    ivySocket.close();
    host.expect(
        "participant_left",
        m -> ivy.equals(m.getString("user_id")) || ivy.equals(m.getString("participant_id")));

    TestSocket guest = podium.connect(node, joinUri(eventId, "Ivy", ivy, null));
    JsonObject you = you(guest);
    assertEquals("guest:" + ivy, you.getString("user_id"));
    assertEquals(false, you.getBoolean("verified"));
    guest.send(new JsonObject().put("type", "accept_cohost"));
    guest.expectError("guest_cannot_speak");
    guest.send(new JsonObject().put("type", "request_to_speak"));
    guest.expectError("guest_cannot_speak");
    host.send(new JsonObject().put("type", "invite_cohost").put("user_id", "guest:" + ivy));
    host.expectError("guest_cannot_speak");
    guest.sendBinary(io.vertx.core.buffer.Buffer.buffer(new byte[1920]));
    guest.expectError("not_allowed");
    assertTrue(host.seen("cohost_joined").isEmpty(), "nobody took the seat");
    assertFalse(guest.isClosed());
    bystanders.assertWell();
  }

  /** The comparison the gateway uses, repeated independently: case, width and spaces aside. */
  private static final class DisplayNamesView {
    static boolean same(String a, String b) {
      return key(a).equals(key(b));
    }

    private static String key(String s) {
      return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC)
          .toLowerCase(java.util.Locale.ROOT)
          .replaceAll("\\s+", "");
    }
  }
}
