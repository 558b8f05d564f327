package dev.podium.bench;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 JWTs signed by hand with the gateway's secret: claims {@code user_id}, {@code username},
 * {@code exp}.
 */
public final class Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode());

  private final Mac mac;

  public Tokens(String secret) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * A token for {@code userId} valid until {@code expEpochSeconds}. Not thread-safe (one {@link
   * Mac}).
   */
  public String sign(String userId, String username, long expEpochSeconds) {
    JsonObject claims =
        new JsonObject()
            .put("user_id", userId)
            .put("username", username)
            .put("exp", expEpochSeconds);
    String unsigned = HEADER + "." + b64(claims.encode());
    byte[] sig = mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII));
    return unsigned + "." + B64.encodeToString(sig);
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
