package dev.podium.gateway.auth;

import static dev.podium.gateway.auth.TokenVerifierTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.runtime.Settings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RS256 and ES256 tokens against a JWKS served by the test (a Vert.x HTTP server on 127.0.0.1 that
 * counts its requests), with keys the test makes. The cache runs on a virtual clock, so the refresh
 * interval is crossed without waiting; fetch timeouts are real.
 */
@ExtendWith(VertxExtension.class)
class JwksTokenTest {
  private static final String SECRET = "test-secret-0123456789-abcdef";
  private static final TestKeys RSA = TestKeys.rsa("rsa-1");
  private static final TestKeys EC = TestKeys.ec("ec-1");
  private static final TestKeys ROTATED = TestKeys.rsa("rsa-2");
  private static final TestKeys STRANGER = TestKeys.rsa("rsa-1"); // same kid, another key
  private static final long TIMEOUT_MS = 2_000;

  private final AtomicInteger requests = new AtomicInteger();
  private volatile JsonObject served = TestKeys.jwks(RSA, EC);
  private volatile String mode = "ok";
  private String url;
  private Context context;
  private long clock = 5_000_000;

  @BeforeEach
  void startJwks(Vertx vertx) throws Exception {
    HttpServer server =
        result(vertx.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1"));
    url = "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
    context = vertx.getOrCreateContext();
    // One fetch before the test counts, so that class loading on a busy machine is not timed.
    onContext(() -> new JwksClient(vertx, url, 30_000, 1 << 20).fetch());
    requests.set(0);
  }

  private void answer(HttpServerRequest req) {
    requests.incrementAndGet();
    switch (mode) {
      case "slow" -> {} // never answers
      case "trickle" -> {
        req.response().setChunked(true).write("{\"keys\":[");
        // a byte now and then, never finishing: only the overall timeout ends it
        long timer = context.owner().setPeriodic(100, id -> req.response().write(" "));
        req.connection().closeHandler(v -> context.owner().cancelTimer(timer));
      }
      case "huge" ->
          req.response().setChunked(true).end("{\"keys\":[" + " ".repeat(300_000) + "]}");
      case "error" -> req.response().setStatusCode(500).end("down");
      case "redirect" ->
          req.response().setStatusCode(302).putHeader("Location", "http://127.0.0.1:1/evil").end();
      default -> req.response().putHeader("Content-Type", "application/json").end(served.encode());
    }
  }

  private JwtPolicy policy() {
    return JwtPolicy.from(
        Settings.of(
            Map.of(
                "PODIUM_JWKS_URL",
                url,
                "PODIUM_JWT_ISSUER",
                "https://idp.example/",
                "PODIUM_JWT_AUDIENCE",
                "podium",
                "PODIUM_JWKS_TIMEOUT_MS",
                String.valueOf(TIMEOUT_MS))));
  }

  /** A verifier as the gateway builds it, but with the cache on this test's clock. */
  private TokenVerifier verifier(Vertx vertx, String secret) throws Exception {
    JwtPolicy policy = policy();
    return onContext(
        () ->
            Future.succeededFuture(
                new TokenVerifier(
                    secret,
                    "user_id",
                    policy,
                    new JwksKeys(
                        new JwksClient(
                                vertx, url, policy.jwksTimeout().toMillis(), policy.jwksMaxBytes())
                            ::fetch,
                        () -> clock,
                        policy.jwksCacheTtl(),
                        policy.jwksMinRefresh()),
                    System::currentTimeMillis)));
  }

  private <T> T onContext(Supplier<Future<T>> call) throws Exception {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    context.runOnContext(
        v ->
            call.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        outcome.complete(ar.result());
                      } else {
                        outcome.completeExceptionally(ar.cause());
                      }
                    }));
    return outcome.get(10, TimeUnit.SECONDS);
  }

  private Identity verify(TokenVerifier v, String token, String user) throws Exception {
    return onContext(() -> v.verify(token, user));
  }

  private AuthFailure refusal(TokenVerifier v, String token, String user) throws Exception {
    try {
      Identity id = verify(v, token, user);
      throw new AssertionError("expected a refusal, got " + id);
    } catch (ExecutionException e) {
      assertInstanceOf(AuthFailure.class, e.getCause(), String.valueOf(e.getCause()));
      return (AuthFailure) e.getCause();
    }
  }

  private static JsonObject claims(String user) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject()
        .put("sub", user)
        .put("iss", "https://idp.example/")
        .put("aud", "podium")
        .put("iat", now)
        .put("exp", now + 3600)
        .put("name", "User " + user);
  }

  @Test
  void goodRs256AndEs256TokensPass(Vertx vertx) throws Exception {
    TokenVerifier v = verifier(vertx, null);
    assertEquals(
        new Identity("alice", "User alice", true), verify(v, RSA.token(claims("alice")), "alice"));
    assertEquals(new Identity("bob", "User bob", true), verify(v, EC.token(claims("bob")), "bob"));
    assertEquals(1, requests.get(), "one fetch serves both");
  }

  @Test
  void policyChecksApplyToJwksTokensToo(Vertx vertx) throws Exception {
    TokenVerifier v = verifier(vertx, null);
    assertEquals(
        "The token is from another issuer",
        refusal(v, RSA.token(claims("a").put("iss", "https://other.example/")), "a").getMessage());
    assertEquals(
        "The token is meant for another audience",
        refusal(v, EC.token(claims("a").put("aud", "another-app")), "a").getMessage());
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        refusal(v, RSA.token(claims("a").put("exp", 253_402_300_799L)), "a").code());
  }

  @Test
  void wrongKeyWrongKidAndWrongAlgFail(Vertx vertx) throws Exception {
    TokenVerifier v = verifier(vertx, null);
    verify(v, RSA.token(claims("a")), "a");
    // Signed by another key under a known kid.
    AuthFailure wrongKey = refusal(v, STRANGER.token(claims("a")), "a");
    assertEquals("The token signature is not valid", wrongKey.getMessage());
    // A kid the set does not have (the refresh is rate-limited right after the first fetch).
    AuthFailure unknown = refusal(v, RSA.sign(RSA.header().put("kid", "nope"), claims("a")), "a");
    assertEquals(ErrorCode.TOKEN_INVALID, unknown.code());
    assertTrue(unknown.details().contains("kid 'nope'"), unknown.details());
    // ES256 claiming the RSA key's kid, RS256 claiming the EC key's.
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        refusal(v, EC.sign(EC.header().put("kid", "rsa-1"), claims("a")), "a").code());
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        refusal(v, RSA.sign(RSA.header().put("kid", "ec-1"), claims("a")), "a").code());
    // No kid at all.
    JsonObject noKid = RSA.header();
    noKid.remove("kid");
    assertEquals(
        "The token does not name its key",
        refusal(v, RSA.sign(noKid, claims("a")), "a").getMessage());
    // Other algorithms, even with a key the set has.
    for (String alg : new String[] {"RS384", "PS256", "ES384", "none", "EdDSA"}) {
      assertEquals(
          ErrorCode.TOKEN_INVALID,
          refusal(v, RSA.sign(RSA.header().put("alg", alg), claims("a")), "a").code(),
          alg);
    }
    // A truncated ES256 signature (DER-encoded or short) is just a bad signature.
    String es = EC.token(claims("a"));
    assertEquals(
        ErrorCode.TOKEN_INVALID, refusal(v, es.substring(0, es.length() - 10), "a").code());
  }

  @Test
  void anHs256TokenIsNeverCheckedWithAPublicKey(Vertx vertx) throws Exception {
    // The classic confusion: HMAC "signed" with the RSA public key the attacker downloaded.
    TokenVerifier v = verifier(vertx, SECRET);
    verify(v, RSA.token(claims("a")), "a");
    String publicJwk = RSA.jwk().encode();
    String publicDer = Base64.getEncoder().encodeToString(RSA.pair.getPublic().getEncoded());
    for (String fakeSecret : new String[] {publicJwk, publicDer, RSA.jwk().getString("n")}) {
      JsonObject header = new JsonObject().put("alg", "HS256").put("kid", "rsa-1");
      AuthFailure f = refusal(v, Jwts.sign(fakeSecret, header, claims("a")), "a");
      assertEquals("The token signature is not valid", f.getMessage());
    }
    // And an RS256 header over an HMAC of the shared secret is not checked with the secret.
    AuthFailure f = refusal(v, Jwts.sign(SECRET, RSA.header(), claims("a")), "a");
    assertEquals("The token signature is not valid", f.getMessage());
    // The secret still works for HS256.
    assertEquals("a", verify(v, Jwts.hs256(SECRET, claims("a")), "a").userId());
  }

  @Test
  void aRotatedKeyWorksAfterARefresh(Vertx vertx) throws Exception {
    TokenVerifier v = verifier(vertx, null);
    verify(v, RSA.token(claims("a")), "a");
    served = TestKeys.jwks(RSA, EC, ROTATED);
    assertEquals(
        ErrorCode.TOKEN_INVALID,
        refusal(v, ROTATED.token(claims("a")), "a").code(),
        "within the refresh interval");
    assertEquals(1, requests.get());
    clock += policy().jwksMinRefresh().toMillis();
    assertEquals("a", verify(v, ROTATED.token(claims("a")), "a").userId());
    assertEquals(2, requests.get());
    // The old key is retired by the provider: after the next refresh it stops working.
    served = TestKeys.jwks(ROTATED);
    clock += policy().jwksCacheTtl().toMillis();
    assertEquals(ErrorCode.TOKEN_INVALID, refusal(v, RSA.token(claims("a")), "a").code());
    assertEquals(3, requests.get());
  }

  @Test
  void aFloodOfRandomKidsCostsAtMostOneFetchPerInterval(Vertx vertx) throws Exception {
    TokenVerifier v = verifier(vertx, null);
    verify(v, RSA.token(claims("a")), "a");
    clock += policy().jwksMinRefresh().toMillis();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      tokens.add(RSA.sign(RSA.header().put("kid", UUID.randomUUID().toString()), claims("a")));
    }
    List<Future<Identity>> flood = new ArrayList<>();
    onContext(
        () -> {
          for (String token : tokens) {
            flood.add(v.verify(token, "a"));
          }
          return Future.join(flood).otherwiseEmpty();
        });
    for (Future<Identity> f : flood) {
      assertEquals(ErrorCode.TOKEN_INVALID, ((AuthFailure) f.cause()).code());
    }
    assertEquals(2, requests.get(), "500 concurrent misses, one fetch");
    for (int i = 0; i < 200; i++) {
      clock += 100;
      refusal(v, EC.sign(EC.header().put("kid", "k" + i), claims("a")), "a");
    }
    assertEquals(2, requests.get(), "20 s of misses inside the interval, no fetch");
    assertEquals("a", verify(v, EC.token(claims("a")), "a").userId(), "known keys keep working");
  }

  @Test
  void aSlowJwksIsAuthUnavailableWithinTheTimeout(Vertx vertx) throws Exception {
    for (String slow : new String[] {"slow", "trickle"}) {
      mode = slow;
      TokenVerifier v = verifier(vertx, null);
      long started = System.nanoTime();
      AuthFailure f = refusal(v, RSA.token(claims("a")), "a");
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(ErrorCode.AUTH_UNAVAILABLE, f.code(), slow + ": " + f.details());
      assertTrue(tookMs < TIMEOUT_MS + 1_000, slow + " took " + tookMs + " ms");
    }
  }

  @Test
  void aJwksServerThatIsDownOrBrokenIsAuthUnavailable(Vertx vertx) throws Exception {
    for (String broken : new String[] {"error", "huge", "redirect"}) {
      mode = broken;
      AuthFailure f = refusal(verifier(vertx, null), RSA.token(claims("a")), "a");
      assertEquals(ErrorCode.AUTH_UNAVAILABLE, f.code(), broken);
      assertTrue(f.details().contains("PODIUM_JWKS_URL"), f.details());
    }
    HttpServer doomed =
        result(
            vertx
                .createHttpServer()
                .requestHandler(r -> r.response().end())
                .listen(0, "127.0.0.1"));
    url = "http://127.0.0.1:" + doomed.actualPort() + "/jwks";
    result(doomed.close());
    assertEquals(
        ErrorCode.AUTH_UNAVAILABLE,
        refusal(verifier(vertx, null), RSA.token(claims("a")), "a").code());
  }

  @Test
  void anOversizedJwksIsRefusedEvenWithoutContentLength(Vertx vertx) throws Exception {
    mode = "huge";
    AuthFailure f = refusal(verifier(vertx, null), RSA.token(claims("a")), "a");
    assertTrue(f.details().contains("PODIUM_JWKS_MAX_BYTES"), f.details());
  }

  @Test
  void thePublicConstructorFetchesOverHttp(Vertx vertx) throws Exception {
    TokenVerifier v =
        onContext(
            () -> Future.succeededFuture(new TokenVerifier(vertx, null, "user_id", policy())));
    onContext(v::warmUp);
    assertEquals(1, requests.get());
    assertEquals("bob", verify(v, EC.token(claims("bob")), "bob").userId());
    assertEquals(1, requests.get());
  }
}
