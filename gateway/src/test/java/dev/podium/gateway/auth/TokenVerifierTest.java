package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TokenVerifierTest {
  private static final String SECRET = "test-secret-0123456789-abcdef";

  private TokenVerifier verifier;

  @BeforeEach
  void setUp(Vertx vertx) {
    verifier = new TokenVerifier(vertx, SECRET, "user_id");
  }

  /** Waits (bounded) for the outcome on the test thread. */
  static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static ErrorCode failure(Future<?> future) throws Exception {
    try {
      Object value = result(future);
      throw new AssertionError("expected an AuthFailure, got " + value);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      assertInstanceOf(AuthFailure.class, cause, String.valueOf(cause));
      return ((AuthFailure) cause).code();
    }
  }

  @Test
  void validTokenGivesTheIdentity() throws Exception {
    String token = Jwts.hs256(SECRET, Jwts.claims("u1").put("username", "Alice"));
    assertEquals(new Identity("u1", "Alice", true), result(verifier.verify(token, "u1")));
  }

  @Test
  void usernameFallsBackToNameThenUserId() throws Exception {
    assertEquals(
        "Al",
        result(verifier.verify(Jwts.hs256(SECRET, Jwts.claims("u1").put("name", "Al")), "u1"))
            .username());
    assertEquals(
        "u1", result(verifier.verify(Jwts.hs256(SECRET, Jwts.claims("u1")), "u1")).username());
  }

  @Test
  void missingTokenIsTokenMissing() throws Exception {
    assertEquals(ErrorCode.TOKEN_MISSING, failure(verifier.verify(null, "u1")));
    assertEquals(ErrorCode.TOKEN_MISSING, failure(verifier.verify("", "u1")));
    assertEquals(ErrorCode.TOKEN_MISSING, failure(verifier.verify("  ", "u1")));
  }

  @Test
  void garbageIsTokenInvalid() throws Exception {
    for (String garbage :
        new String[] {
          "garbage",
          "a.b",
          "a.b.c",
          "a.b.c.d",
          "!!!.???.***",
          "eyJhbGciOiJIUzI1NiJ9..",
          "W10.W10.sig" /* [] and [] */
        }) {
      assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(garbage, "u1")), garbage);
    }
  }

  @Test
  void algNoneIsTokenInvalid() throws Exception {
    JsonObject none = new JsonObject().put("alg", "none").put("typ", "JWT");
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        failure(verifier.verify(Jwts.unsigned(none, Jwts.claims("u1")), "u1")));
    // even carrying a valid HS256 signature, a header that says none is refused
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        failure(verifier.verify(Jwts.sign(SECRET, none, Jwts.claims("u1")), "u1")));
  }

  @Test
  void otherAlgorithmsAreTokenInvalid() throws Exception {
    for (String alg : new String[] {"HS512", "RS256", "hs256"}) {
      String token = Jwts.sign(SECRET, new JsonObject().put("alg", alg), Jwts.claims("u1"));
      assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(token, "u1")), alg);
    }
    String noAlg = Jwts.sign(SECRET, new JsonObject().put("typ", "JWT"), Jwts.claims("u1"));
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(noAlg, "u1")));
  }

  @Test
  void wrongSecretIsTokenInvalid() throws Exception {
    String token = Jwts.hs256("another-secret-0123456789", Jwts.claims("u1"));
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(token, "u1")));
  }

  @Test
  void tamperedPayloadIsTokenInvalid() throws Exception {
    String good = Jwts.hs256(SECRET, Jwts.claims("u1"));
    String other = Jwts.hs256(SECRET, Jwts.claims("u2"));
    String[] g = good.split("\\.");
    String[] o = other.split("\\.");
    assertEquals(
        ErrorCode.TOKEN_INVALID, failure(verifier.verify(g[0] + "." + o[1] + "." + g[2], "u2")));
  }

  @Test
  void expiredIsTokenExpired() throws Exception {
    JsonObject claims = Jwts.claims("u1").put("iat", Jwts.now() - 7200).put("exp", Jwts.now() - 60);
    assertEquals(
        ErrorCode.TOKEN_EXPIRED, failure(verifier.verify(Jwts.hs256(SECRET, claims), "u1")));
  }

  @Test
  void noExpiryIsTokenInvalid() throws Exception {
    JsonObject claims = Jwts.claims("u1");
    claims.remove("exp");
    assertEquals(
        ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.hs256(SECRET, claims), "u1")));
    JsonObject textExp = Jwts.claims("u1").put("exp", String.valueOf(Jwts.now() + 3600));
    assertEquals(
        ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.hs256(SECRET, textExp), "u1")));
  }

  @Test
  void otherUsersTokenIsUserMismatch() throws Exception {
    String token = Jwts.hs256(SECRET, Jwts.claims("u1"));
    assertEquals(ErrorCode.USER_MISMATCH, failure(verifier.verify(token, "u2")));
    assertEquals(ErrorCode.USER_MISMATCH, failure(verifier.verify(token, null)));
  }

  @Test
  void numericUserIdClaimMatchesItsText() throws Exception {
    JsonObject claims = new JsonObject().put("user_id", 42).put("exp", Jwts.now() + 3600);
    Identity identity = result(verifier.verify(Jwts.hs256(SECRET, claims), "42"));
    assertEquals("42", identity.userId());
    assertEquals(
        ErrorCode.USER_MISMATCH, failure(verifier.verify(Jwts.hs256(SECRET, claims), "43")));
  }

  @Test
  void subIsTheFallbackClaim() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "u9").put("exp", Jwts.now() + 3600);
    assertEquals("u9", result(verifier.verify(Jwts.hs256(SECRET, claims), "u9")).userId());
    // the configured claim wins over sub
    JsonObject both =
        new JsonObject().put("user_id", "u1").put("sub", "u9").put("exp", Jwts.now() + 3600);
    assertEquals(ErrorCode.USER_MISMATCH, failure(verifier.verify(Jwts.hs256(SECRET, both), "u9")));
  }

  @Test
  void tokenNamingNoUserIsTokenInvalid() throws Exception {
    JsonObject claims = new JsonObject().put("username", "ghost").put("exp", Jwts.now() + 3600);
    assertEquals(
        ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.hs256(SECRET, claims), "ghost")));
  }

  @Test
  void configuredUserClaimIsUsed(Vertx vertx) throws Exception {
    TokenVerifier custom = new TokenVerifier(vertx, SECRET, "uid");
    JsonObject claims =
        new JsonObject().put("uid", "u5").put("user_id", "other").put("exp", Jwts.now() + 3600);
    assertEquals("u5", result(custom.verify(Jwts.hs256(SECRET, claims), "u5")).userId());
  }

  @Test
  void devTokensAreAccepted(Vertx vertx) throws Exception {
    String token = new DevTokens(vertx, SECRET, "user_id").issue("u3", "Dev", 5);
    Identity identity = result(verifier.verify(token, "u3"));
    assertEquals(new Identity("u3", "Dev", true), identity);
    assertTrue(identity.verified());
  }

  static AuthFailure refusal(Future<?> future) throws Exception {
    try {
      Object value = result(future);
      throw new AssertionError("expected an AuthFailure, got " + value);
    } catch (ExecutionException e) {
      assertInstanceOf(AuthFailure.class, e.getCause(), String.valueOf(e.getCause()));
      return (AuthFailure) e.getCause();
    }
  }

  @Test
  void aSignedTokenWhoseIatIsTextIsRefusedPromptly() {
    // It used to hang the handshake forever: an exception escaped a callback of the JWT library.
    String token = Jwts.hs256(SECRET, Jwts.claims("u1").put("iat", "yesterday"));
    AuthFailure f =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2), () -> refusal(verifier.verify(token, "u1")));
    assertEquals(ErrorCode.TOKEN_INVALID, f.code());
    assertTrue(f.details().contains("iat must be a number"), f.details());
  }

  @Test
  void malformedClaimsAreInvalidWithDetails() throws Exception {
    for (JsonObject claims :
        new JsonObject[] {
          Jwts.claims("u1").put("exp", "tomorrow"),
          Jwts.claims("u1").put("nbf", new JsonArray()),
          Jwts.claims("u1").put("aud", new JsonObject()),
          Jwts.claims("u1").put("iss", false),
          Jwts.claims("u1").put("user_id", true),
          Jwts.claims("u1").put("user_id", new JsonObject().put("id", "u1")),
          Jwts.claims("u1").put("username", 12),
          Jwts.claims("u1").put("name", new JsonArray())
        }) {
      AuthFailure f = refusal(verifier.verify(Jwts.hs256(SECRET, claims), "u1"));
      assertEquals(ErrorCode.TOKEN_INVALID, f.code(), claims.encode());
      assertTrue(f.details().contains("must be"), f.details());
    }
  }

  @Test
  void aNullNameIsNeverTheTextNull() throws Exception {
    JsonObject claims = Jwts.claims("u1").putNull("username").putNull("name");
    assertEquals("u1", result(verifier.verify(Jwts.hs256(SECRET, claims), "u1")).username());
    JsonObject named = Jwts.claims("u1").putNull("username").put("name", "Al");
    assertEquals("Al", result(verifier.verify(Jwts.hs256(SECRET, named), "u1")).username());
    JsonObject nullId = Jwts.claims("u1").putNull("user_id").put("sub", "u1");
    assertEquals("u1", result(verifier.verify(Jwts.hs256(SECRET, nullId), "u1")).userId());
  }

  @Test
  void anUnknownCritHeaderIsRefused() throws Exception {
    JsonObject header =
        Jwts.hs256Header().put("crit", new JsonArray().add("exp-v2")).put("exp-v2", 1);
    AuthFailure f = refusal(verifier.verify(Jwts.sign(SECRET, header, Jwts.claims("u1")), "u1"));
    assertEquals(ErrorCode.TOKEN_INVALID, f.code());
    assertTrue(f.details().contains("crit"), f.details());
    // Even an empty crit: we understand no extension at all.
    JsonObject empty = Jwts.hs256Header().put("crit", new JsonArray());
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        failure(verifier.verify(Jwts.sign(SECRET, empty, Jwts.claims("u1")), "u1")));
  }

  @Test
  void aClockTwoSecondsAheadIsAccepted() throws Exception {
    JsonObject ahead = Jwts.claims("u1").put("iat", Jwts.now() + 2).put("nbf", Jwts.now() + 2);
    assertEquals("u1", result(verifier.verify(Jwts.hs256(SECRET, ahead), "u1")).userId());
    JsonObject justExpired = Jwts.claims("u1").put("exp", Jwts.now() - 2);
    assertEquals("u1", result(verifier.verify(Jwts.hs256(SECRET, justExpired), "u1")).userId());
  }

  @Test
  void timeRefusalsSayWhatWasWrong() throws Exception {
    AuthFailure future =
        refusal(
            verifier.verify(
                Jwts.hs256(SECRET, Jwts.claims("u1").put("nbf", Jwts.now() + 600)), "u1"));
    assertEquals(ErrorCode.TOKEN_INVALID, future.code());
    assertTrue(future.details().startsWith("nbf is"), future.details());
    AuthFailure forever =
        refusal(
            verifier.verify(
                Jwts.hs256(SECRET, Jwts.claims("u1").put("exp", 253_402_300_799L)), "u1"));
    assertEquals(ErrorCode.TOKEN_INVALID, forever.code());
    assertTrue(forever.details().contains("PODIUM_JWT_MAX_LIFETIME_S"), forever.details());
    AuthFailure expired =
        refusal(
            verifier.verify(
                Jwts.hs256(SECRET, Jwts.claims("u1").put("exp", Jwts.now() - 120)), "u1"));
    assertEquals(ErrorCode.TOKEN_EXPIRED, expired.code());
    assertTrue(expired.details().startsWith("exp was"), expired.details());
  }

  @Test
  void anExpiredTokenWithABadSignatureIsInvalidNotExpired() throws Exception {
    JsonObject claims = Jwts.claims("u1").put("exp", Jwts.now() - 120);
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        failure(verifier.verify(Jwts.hs256("another-secret-0123456789", claims), "u1")));
  }

  @Test
  void issuerAndAudienceAreCheckedWhenConfigured(Vertx vertx) throws Exception {
    TokenVerifier strict =
        new TokenVerifier(
            vertx,
            SECRET,
            "user_id",
            JwtPolicy.from(
                Settings.of(
                    Map.of(
                        "PODIUM_JWT_ISSUER",
                        "https://auth.example/",
                        "PODIUM_JWT_AUDIENCE",
                        "podium"))));
    JsonObject good =
        Jwts.claims("u1")
            .put("iss", "https://auth.example/")
            .put("aud", new JsonArray().add("podium"));
    assertEquals("u1", result(strict.verify(Jwts.hs256(SECRET, good), "u1")).userId());
    AuthFailure iss =
        refusal(
            strict.verify(
                Jwts.hs256(SECRET, good.copy().put("iss", "https://evil.example/")), "u1"));
    assertEquals("The token is from another issuer", iss.getMessage());
    AuthFailure aud =
        refusal(strict.verify(Jwts.hs256(SECRET, good.copy().put("aud", "other-app")), "u1"));
    assertEquals("The token is meant for another audience", aud.getMessage());
    assertEquals(ErrorCode.TOKEN_INVALID, aud.code());
  }

  @Test
  void withoutASecretHs256IsNotAccepted(Vertx vertx) throws Exception {
    TokenVerifier jwksOnly =
        new TokenVerifier(
            null,
            "user_id",
            JwtPolicy.defaults(),
            new JwksKeys(
                () -> Future.failedFuture("unused"),
                System::currentTimeMillis,
                Duration.ofMinutes(1),
                Duration.ofSeconds(1)),
            System::currentTimeMillis);
    AuthFailure f = refusal(jwksOnly.verify(Jwts.hs256(SECRET, Jwts.claims("u1")), "u1"));
    assertEquals(ErrorCode.TOKEN_INVALID, f.code());
    assertTrue(f.details().contains("PODIUM_JWT_SECRET is not set"), f.details());
  }

  @Test
  void withoutAJwksRs256AndEs256AreNotAccepted() throws Exception {
    for (TestKeys keys : new TestKeys[] {TestKeys.rsa("r"), TestKeys.ec("e")}) {
      AuthFailure f = refusal(verifier.verify(keys.token(Jwts.claims("u1")), "u1"));
      assertEquals(ErrorCode.TOKEN_INVALID, f.code());
      assertTrue(f.details().contains("PODIUM_JWKS_URL is not set"), f.details());
    }
  }

  @Test
  void anyGarbageGivesTokenInvalidAndNeverThrows() throws Exception {
    java.util.Random random = new java.util.Random(11);
    String good = Jwts.hs256(SECRET, Jwts.claims("u1"));
    for (int i = 0; i < 2_000; i++) {
      char[] chars = good.toCharArray();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
      }
      String mangled = new String(chars);
      Future<Identity> outcome = verifier.verify(mangled, "u1");
      assertTrue(outcome.isComplete(), mangled);
      if (outcome.failed()) {
        assertInstanceOf(AuthFailure.class, outcome.cause(), mangled);
      }
    }
  }

  @Test
  void devTokensCarryTheConfiguredIssuerAndAudience(Vertx vertx) throws Exception {
    JwtPolicy policy =
        JwtPolicy.from(
            Settings.of(Map.of("PODIUM_JWT_ISSUER", "podium-dev", "PODIUM_JWT_AUDIENCE", "web")));
    TokenVerifier strict = new TokenVerifier(vertx, SECRET, "user_id", policy);
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        failure(
            strict.verify(new DevTokens(vertx, SECRET, "user_id").issue("u3", "Dev", 5), "u3")));
    String token = new DevTokens(vertx, SECRET, "user_id", policy).issue("u3", "Dev", 24 * 60);
    assertEquals(new Identity("u3", "Dev", true), result(strict.verify(token, "u3")));
  }
}
