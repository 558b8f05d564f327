package dev.podium.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Signs tokens with the gateway's own secret: only for {@code PODIUM_DEV=true} and for tests. */
public final class DevTokens {
  private final JWTAuth jwt;
  private final String userClaim;

  public DevTokens(Vertx vertx, String secret, String userClaim) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.userClaim = userClaim;
  }

  public String issue(String userId, String username, int validMinutes) {
    JsonObject claims = new JsonObject().put(userClaim, userId);
    if (username != null) {
      claims.put("username", username);
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(validMinutes));
  }
}
