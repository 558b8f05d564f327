package dev.podium.gateway.auth;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Checks HS256 tokens: signature, {@code exp} (required), algorithm (only HS256: {@code alg:none}
 * and every other algorithm are refused before any verification), and that the user-id claim
 * equals the user id in the URL.
 */
public final class TokenVerifier {
  private final JWTAuth jwt;
  private final String userClaim;

  public TokenVerifier(Vertx vertx, String secret, String userClaim) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256")));
    this.userClaim = userClaim;
  }

  /** Verifies {@code token} for the user {@code expectedUserId}; fails with an {@link AuthFailure}. */
  public Future<Identity> verify(String token, String expectedUserId) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new AuthFailure(ErrorCode.TOKEN_MISSING, "A token is required",
          "pass the JWT as ?token=..."));
    }
    JsonObject header;
    JsonObject payload;
    try {
      String[] parts = token.split("\\.", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException("a JWT has three dot-separated parts");
      }
      header = decodePart(parts[0]);
      payload = decodePart(parts[1]);
    } catch (RuntimeException e) {
      return Future.failedFuture(new AuthFailure(ErrorCode.TOKEN_INVALID, "The token is not a valid JWT", e.getMessage()));
    }
    if (!"HS256".equals(header.getString("alg"))) {
      return Future.failedFuture(new AuthFailure(ErrorCode.TOKEN_INVALID, "The token is not signed with HS256",
          "alg is " + header.getValue("alg")));
    }
    if (!(payload.getValue("exp") instanceof Number)) {
      return Future.failedFuture(new AuthFailure(ErrorCode.TOKEN_INVALID, "The token has no expiry",
          "the exp claim is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> {
          long exp = payload.getLong("exp");
          if (exp * 1000 <= System.currentTimeMillis()) {
            return Future.failedFuture(new AuthFailure(ErrorCode.TOKEN_EXPIRED, "The token has expired", "exp=" + exp));
          }
          return Future.failedFuture(new AuthFailure(ErrorCode.TOKEN_INVALID, "The token signature is not valid",
              String.valueOf(e.getMessage())));
        })
        .compose(user -> {
          JsonObject claims = user.principal();
          Object id = claims.getValue(userClaim);
          if (id == null) {
            id = claims.getValue("sub");
          }
          if (id == null) {
            return Future.failedFuture(new AuthFailure(ErrorCode.TOKEN_INVALID, "The token names no user",
                "claim " + userClaim + " (or sub) is missing"));
          }
          String userId = String.valueOf(id);
          if (!userId.equals(expectedUserId)) {
            return Future.failedFuture(new AuthFailure(ErrorCode.USER_MISMATCH,
                "The token belongs to another user", "token user " + userId + ", URL user " + expectedUserId));
          }
          String username = claims.getString("username", claims.getString("name", userId));
          return Future.succeededFuture(new Identity(userId, username, true));
        });
  }

  private static JsonObject decodePart(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }
}
