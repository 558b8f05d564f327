package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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
    assertEquals("Al", result(verifier.verify(Jwts.hs256(SECRET, Jwts.claims("u1").put("name", "Al")), "u1")).username());
    assertEquals("u1", result(verifier.verify(Jwts.hs256(SECRET, Jwts.claims("u1")), "u1")).username());
  }

  @Test
  void missingTokenIsTokenMissing() throws Exception {
    assertEquals(ErrorCode.TOKEN_MISSING, failure(verifier.verify(null, "u1")));
    assertEquals(ErrorCode.TOKEN_MISSING, failure(verifier.verify("", "u1")));
    assertEquals(ErrorCode.TOKEN_MISSING, failure(verifier.verify("  ", "u1")));
  }

  @Test
  void garbageIsTokenInvalid() throws Exception {
    for (String garbage : new String[] {"garbage", "a.b", "a.b.c", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJIUzI1NiJ9..",
        "W10.W10.sig" /* [] and [] */}) {
      assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(garbage, "u1")), garbage);
    }
  }

  @Test
  void algNoneIsTokenInvalid() throws Exception {
    JsonObject none = new JsonObject().put("alg", "none").put("typ", "JWT");
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.unsigned(none, Jwts.claims("u1")), "u1")));
    // even carrying a valid HS256 signature, a header that says none is refused
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.sign(SECRET, none, Jwts.claims("u1")), "u1")));
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
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(g[0] + "." + o[1] + "." + g[2], "u2")));
  }

  @Test
  void expiredIsTokenExpired() throws Exception {
    JsonObject claims = Jwts.claims("u1").put("iat", Jwts.now() - 7200).put("exp", Jwts.now() - 60);
    assertEquals(ErrorCode.TOKEN_EXPIRED, failure(verifier.verify(Jwts.hs256(SECRET, claims), "u1")));
  }

  @Test
  void noExpiryIsTokenInvalid() throws Exception {
    JsonObject claims = Jwts.claims("u1");
    claims.remove("exp");
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.hs256(SECRET, claims), "u1")));
    JsonObject textExp = Jwts.claims("u1").put("exp", String.valueOf(Jwts.now() + 3600));
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.hs256(SECRET, textExp), "u1")));
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
    assertEquals(ErrorCode.USER_MISMATCH, failure(verifier.verify(Jwts.hs256(SECRET, claims), "43")));
  }

  @Test
  void subIsTheFallbackClaim() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "u9").put("exp", Jwts.now() + 3600);
    assertEquals("u9", result(verifier.verify(Jwts.hs256(SECRET, claims), "u9")).userId());
    // the configured claim wins over sub
    JsonObject both = new JsonObject().put("user_id", "u1").put("sub", "u9").put("exp", Jwts.now() + 3600);
    assertEquals(ErrorCode.USER_MISMATCH, failure(verifier.verify(Jwts.hs256(SECRET, both), "u9")));
  }

  @Test
  void tokenNamingNoUserIsTokenInvalid() throws Exception {
    JsonObject claims = new JsonObject().put("username", "ghost").put("exp", Jwts.now() + 3600);
    assertEquals(ErrorCode.TOKEN_INVALID, failure(verifier.verify(Jwts.hs256(SECRET, claims), "ghost")));
  }

  @Test
  void configuredUserClaimIsUsed(Vertx vertx) throws Exception {
    TokenVerifier custom = new TokenVerifier(vertx, SECRET, "uid");
    JsonObject claims = new JsonObject().put("uid", "u5").put("user_id", "other").put("exp", Jwts.now() + 3600);
    assertEquals("u5", result(custom.verify(Jwts.hs256(SECRET, claims), "u5")).userId());
  }

  @Test
  void devTokensAreAccepted(Vertx vertx) throws Exception {
    String token = new DevTokens(vertx, SECRET, "user_id").issue("u3", "Dev", 5);
    Identity identity = result(verifier.verify(token, "u3"));
    assertEquals(new Identity("u3", "Dev", true), identity);
    assertTrue(identity.verified());
  }
}
