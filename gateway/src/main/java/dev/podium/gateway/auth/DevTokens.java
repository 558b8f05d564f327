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

  private final JwtPolicy policy;

  public DevTokens(Vertx vertx, String secret, String userClaim) {
    this(vertx, secret, userClaim, JwtPolicy.defaults());
  }

  /**
   * Dev tokens carry the policy's issuer and audience, when set, so that the gateway accepts them.
   */
  public DevTokens(Vertx vertx, String secret, String userClaim, JwtPolicy policy) {
    this.jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.userClaim = userClaim;
    this.policy = policy;
  }

  public String issue(String userId, String username, int validMinutes) {
    JsonObject claims = new JsonObject().put(userClaim, userId);
    if (policy.issuer() != null) {
      claims.put("iss", policy.issuer());
    }
    if (policy.audience() != null) {
      claims.put("aud", policy.audience());
    }
    if (username != null) {
      claims.put("username", username);
    }
    return jwt.generateToken(
        claims, new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(validMinutes));
  }
}
