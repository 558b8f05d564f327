package dev.podium.gateway.auth;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The registered claims of a token whose signature has been checked: their types, the time window
 * (with the policy's leeway), the longest lifetime, the issuer and the audience. Each refusal is an
 * {@link AuthFailure} whose details say which claim was wrong and how.
 */
final class ClaimRules {
  private static final int MAX_ECHO = 80;

  private ClaimRules() {}

  /**
   * Throws an {@link AuthFailure} unless {@code claims} satisfy {@code policy} at {@code
   * nowMillis}.
   */
  static void check(JsonObject claims, JwtPolicy policy, long nowMillis) {
    Double exp = numericDate(claims, "exp");
    Double nbf = numericDate(claims, "nbf");
    Double iat = numericDate(claims, "iat");
    Object iss = claims.getValue("iss");
    if (iss != null && !(iss instanceof String)) {
      throw invalid("The token is malformed", "iss must be a string");
    }
    Object aud = claims.getValue("aud");
    if (aud != null && !isAudience(aud)) {
      throw invalid("The token is malformed", "aud must be a string or an array of strings");
    }
    if (exp == null) {
      throw invalid("The token has no expiry", "the exp claim is required");
    }

    double now = nowMillis / 1000.0;
    long leeway = policy.leeway().toSeconds();
    if (now >= exp + leeway) {
      throw new AuthFailure(
          ErrorCode.TOKEN_EXPIRED,
          "The token has expired",
          "exp was " + seconds(now - exp) + " s ago (leeway " + leeway + " s)");
    }
    if (nbf != null && nbf > now + leeway) {
      throw invalid(
          "The token is not valid yet",
          "nbf is "
              + seconds(nbf - now)
              + " s in the future (leeway "
              + leeway
              + " s); check the issuer's clock");
    }
    if (iat != null && iat > now + leeway) {
      throw invalid(
          "The token was issued in the future",
          "iat is "
              + seconds(iat - now)
              + " s in the future (leeway "
              + leeway
              + " s); check the issuer's clock");
    }
    long max = policy.maxLifetime().toSeconds();
    double lifetime = exp - (iat != null ? iat : now);
    if (lifetime > max + leeway) {
      throw invalid(
          "The token is valid for too long",
          (iat != null ? "exp - iat" : "exp - now")
              + " is "
              + seconds(lifetime)
              + " s, over the limit of "
              + max
              + " s (PODIUM_JWT_MAX_LIFETIME_S)");
    }
    if (policy.issuer() != null && !policy.issuer().equals(iss)) {
      throw invalid(
          "The token is from another issuer",
          (iss == null ? "iss is missing" : "iss is '" + echo(iss) + "'")
              + ", expected '"
              + policy.issuer()
              + "'");
    }
    if (policy.audience() != null && !hasAudience(aud, policy.audience())) {
      throw invalid(
          "The token is meant for another audience",
          (aud == null ? "aud is missing" : "aud is " + echo(aud))
              + ", expected it to contain '"
              + policy.audience()
              + "'");
    }
  }

  /**
   * The claim as seconds since the epoch; null when absent; a refusal when it is not a finite
   * number.
   */
  private static Double numericDate(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        return d;
      }
    }
    throw invalid(
        "The token is malformed",
        name + " must be a number of seconds since 1970, got " + echo(value));
  }

  private static boolean isAudience(Object aud) {
    if (aud instanceof String) {
      return true;
    }
    if (aud instanceof JsonArray array) {
      for (Object member : array) {
        if (!(member instanceof String)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean hasAudience(Object aud, String expected) {
    return aud instanceof String s
        ? s.equals(expected)
        : aud instanceof JsonArray a && a.contains(expected);
  }

  private static long seconds(double s) {
    return Math.round(Math.min(s, Long.MAX_VALUE));
  }

  /** A claim value quoted back in details: the client's own data, but kept short. */
  private static String echo(Object value) {
    String s = value instanceof String str ? str : io.vertx.core.json.Json.encode(value);
    return s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "..." : s;
  }

  private static AuthFailure invalid(String message, String details) {
    return new AuthFailure(ErrorCode.TOKEN_INVALID, message, details);
  }
}
