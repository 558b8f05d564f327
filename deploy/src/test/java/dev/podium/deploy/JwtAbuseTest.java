package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWT edge cases at the real WebSocket handshake of an all-in-one configured like a deployment
 * behind an identity provider: issuer and audience required, RS256/ES256 keys from a JWKS the test
 * serves (and can make hang), the HS256 secret beside it. Each refusal is the documented error and
 * close code, the rate-limited JWKS refresh holds against a flood of made-up key ids, and a
 * bystander room keeps streaming and {@code /health} keeps answering throughout each attack (the
 * tests that only show a legitimate token working do not measure the bystanders).
 */
class JwtAbuseTest {
  private static final long MIN_REFRESH_MS = 1_000;
  private static final long FETCH_TIMEOUT_MS = 1_000;
  private static final IdentityProvider.Key RSA = IdentityProvider.rsa("rsa-2026");
  private static final IdentityProvider.Key EC = IdentityProvider.ec("ec-2026");
  private static final IdentityProvider.Key STRANGER =
      IdentityProvider.rsa("rsa-2026"); // same kid, other key

  private static IdentityProvider idp;
  private static PodiumHarness podium;
  private static Vertx node;
  private static Bystanders bystanders;

  @BeforeAll
  static void start() {
    idp = new IdentityProvider(RSA, EC);
    podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_JWKS_URL", idp.jwksUrl(),
                "PODIUM_JWT_ISSUER", IdentityProvider.ISSUER,
                "PODIUM_JWT_AUDIENCE", IdentityProvider.AUDIENCE,
                "PODIUM_JWKS_MIN_REFRESH_MS", String.valueOf(MIN_REFRESH_MS),
                "PODIUM_JWKS_TIMEOUT_MS", String.valueOf(FETCH_TIMEOUT_MS)));
    node = podium.startAllInOne();
    // A first go-live warms the path (JWKS fetch, room creation, mixer) before anything is
    // measured.
    podium.connect(node, goLiveUri("warm-up", RSA.token(claims("warm-up")))).expect("stream_link");
    bystanders = Bystanders.start(podium.port(node), id -> RSA.token(IdentityProvider.claims(id)));
  }

  @AfterAll
  static void stop() {
    if (bystanders != null) {
      bystanders.close();
    }
    podium.close();
    idp.close();
  }

  private static String goLiveUri(String userId, String token) {
    return "/ws/stream/start/live/" + userId + "/?token=" + token;
  }

  /** Connects as a host with {@code token}; asserts the refusal's code, details and close code. */
  private static JsonObject refused(String userId, String token, String code, int closeCode) {
    TestSocket socket = podium.connect(node, goLiveUri(userId, token));
    JsonObject error = socket.expectError(code);
    assertFalse(error.getString("message", "").isBlank(), error.encode());
    assertFalse(error.getString("details", "").isBlank(), error.encode());
    assertEquals(closeCode, socket.awaitClose(), error.encode());
    return error;
  }

  private static JsonObject claims(String userId) {
    return IdentityProvider.claims(userId);
  }

  private static String hs256(JsonObject claims, String secret) {
    return TestTokens.sign(claims, secret);
  }

  @Test
  void anRs256HostGoesLiveAndAnEs256ListenerJoins() {
    String rita = RSA.token(claims("rita").put("name", "Rita"));
    String eli = EC.token(claims("eli").put("name", "Eli"));
    String hana = hs256(claims("hana"), TestTokens.SECRET);
    TestSocket host = podium.connect(node, goLiveUri("rita", rita));
    String eventId = host.expect("stream_link").getString("event_id");
    assertEquals("Rita", host.expect("room_state").getJsonObject("host").getString("username"));
    TestSocket listener =
        podium.connect(node, "/ws/stream/live/join/event/" + eventId + "/eli/?token=" + eli);
    JsonObject you = listener.expect("room_state").getJsonObject("you");
    assertEquals("Eli", you.getString("username"));
    assertEquals(true, you.getBoolean("verified"));
    // HS256 with the shared secret still works, under the same issuer and audience rules.
    TestSocket hsHost = podium.connect(node, goLiveUri("hana", hana));
    hsHost.expect("stream_link");
  }

  @Test
  void policyViolationsAreRefusedWithWhatWasWrong() {
    long now = System.currentTimeMillis() / 1000;
    Map<String, String[]> cases = new LinkedHashMap<>();
    cases.put(
        "exp in the year 9999",
        new String[] {
          RSA.token(claims("u").put("exp", 253_402_300_799L)),
          "token_invalid",
          "PODIUM_JWT_MAX_LIFETIME_S"
        });
    cases.put(
        "no iat, exp in a week",
        new String[] {
          RSA.token(without(claims("u").put("exp", now + 7 * 86_400), "iat")),
          "token_invalid",
          "exp - now"
        });
    cases.put(
        "another issuer",
        new String[] {
          RSA.token(claims("u").put("iss", "https://evil.test/")),
          "token_invalid",
          "iss is 'https://evil.test/'"
        });
    cases.put(
        "no issuer",
        new String[] {EC.token(without(claims("u"), "iss")), "token_invalid", "iss is missing"});
    cases.put(
        "another audience",
        new String[] {
          EC.token(claims("u").put("aud", new JsonArray().add("other-app"))),
          "token_invalid",
          "expected it to contain"
        });
    cases.put(
        "HS256 without issuer",
        new String[] {TestTokens.valid("u"), "token_invalid", "iss is missing"});
    cases.put(
        "not valid for ten minutes",
        new String[] {RSA.token(claims("u").put("nbf", now + 600)), "token_invalid", "nbf is"});
    cases.put(
        "issued in an hour",
        new String[] {
          RSA.token(claims("u").put("iat", now + 3600).put("exp", now + 7200)),
          "token_invalid",
          "iat is"
        });
    cases.put(
        "expired two minutes ago",
        new String[] {
          RSA.token(claims("u").put("iat", now - 3600).put("exp", now - 120)),
          "token_expired",
          "exp was"
        });
    cases.put(
        "crit header",
        new String[] {
          RSA.sign(
              RSA.header().put("crit", new JsonArray().add("b64")).put("b64", false), claims("u")),
          "token_invalid",
          "crit"
        });
    cases.put(
        "alg none",
        new String[] {
          IdentityProvider.part(new JsonObject().put("alg", "none"))
              + "."
              + IdentityProvider.part(claims("u"))
              + ".",
          "token_invalid",
          "alg is 'none'"
        });
    cases.put(
        "RS384",
        new String[] {
          RSA.sign(RSA.header().put("alg", "RS384"), claims("u")), "token_invalid", "alg is"
        });
    cases.put(
        "HS256 keyed with the public JWK",
        new String[] {
          TestTokens.sign(claims("u"), RSA.jwk().encode()),
          "token_invalid",
          "signature does not match"
        });
    cases.put(
        "another key under a known kid",
        new String[] {STRANGER.token(claims("u")), "token_invalid", "signature does not match"});
    cases.put(
        "ES256 naming the RSA kid",
        new String[] {
          EC.sign(EC.header().put("kid", RSA.kid()), claims("u")), "token_invalid", "kid 'rsa-2026'"
        });
    cases.put(
        "no kid",
        new String[] {RSA.sign(without(RSA.header(), "kid"), claims("u")), "token_invalid", "kid"});
    cases.put(
        "user claim an object",
        new String[] {
          RSA.token(claims("u").put("sub", new JsonObject().put("id", "u"))),
          "token_invalid",
          "sub must be"
        });
    cases.put(
        "username a number",
        new String[] {
          RSA.token(claims("u").put("username", 7)), "token_invalid", "username must be"
        });

    bystanders.startMeasuring();
    cases.forEach(
        (name, c) -> {
          JsonObject error = refused("u", c[0], c[1], 4001);
          assertTrue(error.getString("details").contains(c[2]), name + ": " + error.encode());
        });
    bystanders.assertWell();
  }

  @Test
  void aSignedTokenWithATextIatIsRefusedPromptly() {
    // It used to hang the handshake forever. Signed both ways, so only the claim is wrong.
    String[] tokens = {
      RSA.token(claims("u").put("iat", "yesterday")),
      hs256(claims("u").put("iat", "yesterday"), TestTokens.SECRET)
    };
    bystanders.startMeasuring();
    for (String token : tokens) {
      long started = System.nanoTime();
      JsonObject error = refused("u", token, "token_invalid", 4001);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(error.getString("details").contains("iat must be a number"), error.encode());
      assertTrue(tookMs < 2_000, "refused after " + tookMs + " ms");
    }
    bystanders.assertWell();
  }

  @Test
  void aClockTwoSecondsAheadIsAccepted() {
    long now = System.currentTimeMillis() / 1000;
    String ahead =
        EC.token(claims("cleo").put("iat", now + 2).put("nbf", now + 2).put("exp", now + 3602));
    TestSocket host = podium.connect(node, goLiveUri("cleo", ahead));
    host.expect("stream_link");
  }

  @Test
  void aFloodOfMadeUpKidsCostsTheProviderOneFetchPerInterval() throws Exception {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      String kid = UUID.randomUUID().toString();
      tokens.put(kid, EC.sign(EC.header().put("kid", kid), claims("u")));
    }
    String kim = RSA.token(claims("kim"));
    idp.waitOutRefreshInterval(MIN_REFRESH_MS);
    int before = idp.requests();
    bystanders.startMeasuring();
    long started = System.nanoTime();
    tokens.forEach(
        (kid, token) -> {
          JsonObject error = refused("u", token, "token_invalid", 4001);
          assertTrue(error.getString("details").contains(kid), error.encode());
        });
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    int fetches = idp.requests() - before;
    assertTrue(fetches >= 1, "the first unknown kid refreshes the key set");
    assertTrue(
        fetches <= 1 + elapsedMs / MIN_REFRESH_MS,
        fetches + " JWKS fetches for 150 made-up kids in " + elapsedMs + " ms");
    bystanders.assertWell();
    // Known keys still work.
    podium.connect(node, goLiveUri("kim", kim)).expect("stream_link");
  }

  @Test
  void aRotatedKeyIsAcceptedOnceTheSetIsRefreshed() throws Exception {
    IdentityProvider.Key next = IdentityProvider.ec("ec-2027");
    String nora = next.token(claims("nora"));
    idp.publish(next);
    idp.waitOutRefreshInterval(MIN_REFRESH_MS);
    TestSocket host = podium.connect(node, goLiveUri("nora", nora));
    host.expect("stream_link");
  }

  @Test
  void aHangingProviderIsAuthUnavailableWithinTheTimeoutAndKnownKeysKeepWorking() throws Exception {
    String unreachable = RSA.sign(RSA.header().put("kid", "rotated-but-unreachable"), claims("u"));
    String otto = EC.token(claims("otto"));
    idp.waitOutRefreshInterval(MIN_REFRESH_MS);
    idp.hang(true);
    try {
      bystanders.startMeasuring();
      long started = System.nanoTime();
      JsonObject error = refused("u", unreachable, "auth_unavailable", 4503);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(
          tookMs < FETCH_TIMEOUT_MS + 2_000, "refused after " + tookMs + " ms: " + error.encode());
      bystanders.assertWell();
      // Keys fetched earlier are still within their cache time.
      podium.connect(node, goLiveUri("otto", otto)).expect("stream_link");
    } finally {
      idp.hang(false);
    }
  }

  private static JsonObject without(JsonObject json, String field) {
    json.remove(field);
    return json;
  }
}
