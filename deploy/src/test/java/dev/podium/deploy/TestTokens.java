package dev.podium.deploy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds JWTs by hand, including the broken ones a gateway must refuse. */
final class TestTokens {
  static final String SECRET = "podium-test-secret-0123456789abcdef";

  private TestTokens() {}

  static String valid(String userId) {
    return valid(userId, userId);
  }

  static String valid(String userId, String username) {
    return sign(claims(userId, username, 3600), SECRET);
  }

  static String expired(String userId) {
    return sign(claims(userId, userId, -60), SECRET);
  }

  static String wrongSecret(String userId) {
    return sign(claims(userId, userId, 3600), "another-secret-entirely-0123456789");
  }

  static String withoutExpiry(String userId) {
    return sign(new JsonObject().put("user_id", userId), SECRET);
  }

  static String subjectOnly(String userId) {
    return sign(new JsonObject().put("sub", userId).put("exp", now() + 3600), SECRET);
  }

  /** An unsigned token ({@code alg:none}) that would pass if the algorithm were not checked. */
  static String algNone(String userId) {
    return b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode())
        + "."
        + b64(claims(userId, userId, 3600).encode())
        + ".";
  }

  private static JsonObject claims(String userId, String username, long expiresInSeconds) {
    return new JsonObject()
        .put("user_id", userId)
        .put("username", username)
        .put("iat", now())
        .put("exp", now() + expiresInSeconds);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static String sign(JsonObject claims, String secret) {
    String unsigned =
        b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode())
            + "."
            + b64(claims.encode());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return unsigned
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
