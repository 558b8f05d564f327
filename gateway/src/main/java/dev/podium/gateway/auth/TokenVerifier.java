package dev.podium.gateway.auth;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.function.LongSupplier;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a token and says whose it is. In order: a JWS in compact form; a header whose {@code alg}
 * is HS256 (checked with {@code PODIUM_JWT_SECRET}) or RS256/ES256 (checked with the key named by
 * {@code kid} in {@code PODIUM_JWKS_URL}'s key set), with no {@code crit}; the signature; then the
 * claims ({@link ClaimRules}: types, {@code exp} required, leeway, lifetime, issuer, audience);
 * then the user id claim, which must equal the user id in the URL.
 *
 * <p>Every refusal is a failed Future with an {@link AuthFailure}, never an exception and never a
 * Future that does not complete: a malformed token is {@code token_invalid} with details. Header
 * fields that point at keys ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}) are ignored: the
 * token never chooses where its key comes from.
 */
public final class TokenVerifier {
  private final Key secret;
  private final JwksKeys jwks;
  private final String userClaim;
  private final JwtPolicy policy;
  private final LongSupplier wallClockMillis;

  /** HS256 only, with the default policy (tests, tools). */
  public TokenVerifier(Vertx vertx, String secret, String userClaim) {
    this(vertx, secret, userClaim, JwtPolicy.defaults());
  }

  /**
   * @param secret the HS256 secret, or null when only JWKS-signed tokens are accepted
   */
  public TokenVerifier(Vertx vertx, String secret, String userClaim, JwtPolicy policy) {
    this(
        secret,
        userClaim,
        policy,
        policy.jwksUrl() == null
            ? null
            : new JwksKeys(
                new JwksClient(
                        vertx,
                        policy.jwksUrl(),
                        policy.jwksTimeout().toMillis(),
                        policy.jwksMaxBytes())
                    ::fetch,
                () -> System.nanoTime() / 1_000_000,
                policy.jwksCacheTtl(),
                policy.jwksMinRefresh()),
        System::currentTimeMillis);
  }

  TokenVerifier(
      String secret,
      String userClaim,
      JwtPolicy policy,
      JwksKeys jwks,
      LongSupplier wallClockMillis) {
    this.secret =
        secret == null
            ? null
            : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.userClaim = userClaim;
    this.policy = policy;
    this.jwks = jwks;
    this.wallClockMillis = wallClockMillis;
  }

  /** Fetches the JWKS ahead of the first token (when there is one); never fails. */
  public Future<Void> warmUp() {
    return jwks == null ? Future.succeededFuture() : jwks.refresh();
  }

  /**
   * Verifies {@code token} for the user {@code expectedUserId}; fails with an {@link AuthFailure}.
   */
  public Future<Identity> verify(String token, String expectedUserId) {
    try {
      return check(token, expectedUserId).recover(e -> Future.failedFuture(asAuthFailure(e)));
    } catch (RuntimeException e) {
      return Future.failedFuture(asAuthFailure(e));
    }
  }

  /**
   * Verifies {@code token} for whichever user it names (an HTTP API call: no user in the URL to
   * match); fails with an {@link AuthFailure}.
   */
  public Future<Identity> verifyAnyUser(String token) {
    return verify(token, ANY_USER);
  }

  /**
   * Compared by identity: only {@link #verifyAnyUser} passes it. A null or any other expected user
   * id must match the token's.
   */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String ANY_USER = new String("");

  private Future<Identity> check(String token, String expectedUserId) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(
          new AuthFailure(
              ErrorCode.TOKEN_MISSING, "A token is required", "pass the JWT as ?token=..."));
    }
    SignedToken jws = SignedToken.parse(token);
    JsonObject header = jws.header();
    JwsAlgorithm alg = JwsAlgorithm.named(header.getValue("alg"));
    if (alg == null) {
      throw invalid(
          "The token's signing algorithm is not accepted",
          "alg is " + echo(header.getValue("alg")) + "; accepted: " + accepted());
    }
    if (header.containsKey("crit")) {
      throw invalid(
          "The token uses extensions this server does not understand",
          "crit header " + echo(header.getValue("crit")) + ": no extension is supported");
    }
    Future<? extends Key> key;
    if (alg == JwsAlgorithm.HS256) {
      if (secret == null) {
        throw invalid(
            "The token's signing algorithm is not accepted",
            "HS256 tokens are not accepted: PODIUM_JWT_SECRET is not set; accepted: " + accepted());
      }
      key = Future.succeededFuture(secret);
    } else {
      if (jwks == null) {
        throw invalid(
            "The token's signing algorithm is not accepted",
            alg + " tokens are not accepted: PODIUM_JWKS_URL is not set; accepted: " + accepted());
      }
      if (!(header.getValue("kid") instanceof String kid)) {
        throw invalid(
            "The token does not name its key", alg + " tokens must carry a kid header (a string)");
      }
      key = jwks.key(kid, alg);
    }
    return key.compose(
        k -> {
          if (!alg.verify(k, jws.signingInput(), jws.signature())) {
            return Future.failedFuture(
                invalid(
                    "The token signature is not valid",
                    "the " + alg + " signature does not match"));
          }
          JsonObject claims = jws.claims();
          ClaimRules.check(claims, policy, wallClockMillis.getAsLong());
          return Future.succeededFuture(identity(claims, expectedUserId));
        });
  }

  private Identity identity(JsonObject claims, String expectedUserId) {
    Object id = claims.getValue(userClaim);
    String from = userClaim;
    if (id == null) {
      id = claims.getValue("sub");
      from = "sub";
    }
    if (id == null) {
      throw invalid("The token names no user", "claim " + userClaim + " (or sub) is missing");
    }
    if (!(id instanceof String) && !(id instanceof Number)) {
      throw invalid("The token is malformed", "claim " + from + " must be a string or a number");
    }
    String userId = String.valueOf(id);
    if (expectedUserId != ANY_USER && !userId.equals(expectedUserId)) {
      throw new AuthFailure(
          ErrorCode.USER_MISMATCH,
          "The token belongs to another user",
          "token user " + userId + ", URL user " + expectedUserId);
    }
    String username = name(claims, "username");
    if (username == null) {
      username = name(claims, "name");
    }
    return new Identity(userId, username != null ? username : userId, true);
  }

  /**
   * A name claim: null when absent or JSON null (never the text "null"), a refusal when not a
   * string.
   */
  private static String name(JsonObject claims, String claim) {
    Object value = claims.getValue(claim);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw invalid("The token is malformed", "claim " + claim + " must be a string");
  }

  private String accepted() {
    StringBuilder s = new StringBuilder();
    if (secret != null) {
      s.append("HS256 (PODIUM_JWT_SECRET)");
    }
    if (jwks != null) {
      s.append(s.length() > 0 ? ", " : "").append("RS256 and ES256 (PODIUM_JWKS_URL)");
    }
    return s.toString();
  }

  private static AuthFailure asAuthFailure(Throwable e) {
    return e instanceof AuthFailure auth
        ? auth
        : invalid(
            "The token could not be read", e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  private static String echo(Object value) {
    String s =
        value instanceof String str ? "'" + str + "'" : io.vertx.core.json.Json.encode(value);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static AuthFailure invalid(String message, String details) {
    return new AuthFailure(ErrorCode.TOKEN_INVALID, message, details);
  }
}
