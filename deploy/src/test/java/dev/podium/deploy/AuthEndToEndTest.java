package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authentication at the edge, on a gateway with guests allowed: every refused token gets an {@code
 * error} and a 4xxx close; a token-less listener joins as an unverified guest.
 */
class AuthEndToEndTest {
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of("PODIUM_ALLOW_GUESTS", "true"));
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  private void refused(String token, String code, int closeCode) {
    String uri = "/ws/stream/start/live/alice/" + (token == null ? "" : "?token=" + token);
    TestSocket socket = podium.connect(node, uri);
    JsonObject error = socket.expectError(code);
    assertFalse(error.getString("message").isBlank());
    assertEquals(closeCode, socket.awaitClose());
  }

  @Test
  void aValidTokenGoesLive() {
    TestSocket host =
        podium.connect(
            node, "/ws/stream/start/live/alice/?token=" + TestTokens.valid("alice", "Alice"));
    host.expect("stream_link");
    assertEquals("Alice", host.expect("room_state").getJsonObject("host").getString("username"));
  }

  @Test
  void aSubjectClaimIsTheFallbackUserId() {
    TestSocket host =
        podium.connect(node, "/ws/stream/start/live/sam/?token=" + TestTokens.subjectOnly("sam"));
    host.expect("stream_link");
  }

  @Test
  void aMissingTokenIsUnauthenticated() {
    refused(null, "token_missing", 4001);
  }

  @Test
  void anExpiredTokenIsUnauthenticated() {
    refused(TestTokens.expired("alice"), "token_expired", 4001);
  }

  @Test
  void aTokenSignedWithAnotherSecretIsInvalid() {
    refused(TestTokens.wrongSecret("alice"), "token_invalid", 4001);
  }

  @Test
  void anUnsignedAlgNoneTokenIsInvalid() {
    refused(TestTokens.algNone("alice"), "token_invalid", 4001);
  }

  @Test
  void aTokenWithoutExpiryIsInvalid() {
    refused(TestTokens.withoutExpiry("alice"), "token_invalid", 4001);
  }

  @Test
  void garbageIsInvalid() {
    refused("not-a-jwt", "token_invalid", 4001);
  }

  @Test
  void anotherUsersTokenIsForbidden() {
    refused(TestTokens.valid("mallory"), "user_mismatch", 4003);
  }

  @Test
  void listenersAreCheckedTooAndGuestsJoinUnverified() {
    TestSocket host =
        podium.connect(node, "/ws/stream/start/live/gina/?token=" + TestTokens.valid("gina"));
    String eventId = host.expect("stream_link").getString("event_id");

    TestSocket impostor =
        podium.connect(
            node,
            "/ws/stream/live/join/event/" + eventId + "/bob/bob/?token=" + TestTokens.valid("eve"));
    impostor.expectError("user_mismatch");
    assertEquals(4003, impostor.awaitClose());

    TestSocket guest =
        podium.connect(node, "/ws/stream/live/join/event/" + eventId + "/Guest%20Gus/gus/");
    JsonObject you = guest.expect("room_state").getJsonObject("you");
    assertEquals("listener", you.getString("role"));
    assertEquals(false, you.getBoolean("verified"));
    assertEquals("Guest Gus", you.getString("username"));

    assertEquals("guest:gus", you.getString("user_id"), "guests live in their own id namespace");

    // A guest can never be the host, nor a signed-in listener: asking for their ids gives a guest
    // id,
    // and the host's name is marked as not the host's.
    TestSocket fakeHost =
        podium.connect(node, "/ws/stream/live/join/event/" + eventId + "/gina/gina/");
    JsonObject fake = fakeHost.expect("room_state").getJsonObject("you");
    assertEquals("guest:gina", fake.getString("user_id"));
    assertEquals("listener", fake.getString("role"));
    assertEquals("gina (not the host)", fake.getString("username"));
    TestSocket member =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + eventId
                + "/vera/vera/?token="
                + TestTokens.valid("vera"));
    member.expect("room_state");
    TestSocket squatter =
        podium.connect(node, "/ws/stream/live/join/event/" + eventId + "/vera/vera/");
    assertEquals(
        "guest:vera", squatter.expect("room_state").getJsonObject("you").getString("user_id"));
    member.send(new JsonObject().put("type", "get_participants"));
    member.expect("participant_page");
    assertFalse(member.isClosed());
    assertEquals(0, host.seen("error").size(), "the host was not disturbed");
    assertFalse(host.isClosed());

    // A bad token is refused even when guests are allowed.
    TestSocket expired =
        podium.connect(
            node,
            "/ws/stream/live/join/event/" + eventId + "/x/x/?token=" + TestTokens.expired("x"));
    expired.expectError("token_expired");
  }
}
