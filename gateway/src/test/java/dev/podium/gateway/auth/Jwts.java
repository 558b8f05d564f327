package dev.podium.gateway.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs for tests: the header and payload exactly as given, signed with HmacSHA256. */
final class Jwts {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  static JsonObject hs256Header() {
    return new JsonObject().put("alg", "HS256").put("typ", "JWT");
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** A valid-looking payload for {@code userId}, expiring in an hour. */
  static JsonObject claims(String userId) {
    return new JsonObject().put("user_id", userId).put("iat", now()).put("exp", now() + 3600);
  }

  static String sign(String secret, JsonObject header, JsonObject payload) {
    String signingInput = part(header) + "." + part(payload);
    return signingInput + "." + B64.encodeToString(hmac(secret, signingInput));
  }

  static String hs256(String secret, JsonObject payload) {
    return sign(secret, hs256Header(), payload);
  }

  /** A token with an empty signature, as {@code alg: none} tokens are. */
  static String unsigned(JsonObject header, JsonObject payload) {
    return part(header) + "." + part(payload) + ".";
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(String secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
