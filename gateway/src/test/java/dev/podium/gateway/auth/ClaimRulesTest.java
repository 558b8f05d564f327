package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.runtime.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The claim checks on a fixed clock: leeway, lifetime, issuer, audience and claim types. */
class ClaimRulesTest {
  private static final long NOW = 1_800_000_000L; // seconds
  private static final JwtPolicy DEFAULTS = JwtPolicy.defaults();
  private static final JwtPolicy STRICT =
      JwtPolicy.from(
          Settings.of(
              Map.of(
                  "PODIUM_JWT_ISSUER", "https://idp.example/", "PODIUM_JWT_AUDIENCE", "podium")));

  private static JsonObject claims() {
    return new JsonObject().put("iat", NOW).put("exp", NOW + 3600);
  }

  private static void accepted(JsonObject claims, JwtPolicy policy) {
    ClaimRules.check(claims, policy, NOW * 1000);
  }

  private static AuthFailure refused(JsonObject claims, JwtPolicy policy) {
    return assertThrows(AuthFailure.class, () -> ClaimRules.check(claims, policy, NOW * 1000));
  }

  private static void refusedAs(
      ErrorCode code, String detailsPart, JsonObject claims, JwtPolicy policy) {
    AuthFailure f = refused(claims, policy);
    assertEquals(code, f.code(), f.details());
    assertTrue(f.details().contains(detailsPart), f.details());
    assertTrue(!f.getMessage().isBlank());
  }

  @Test
  void aPlainTokenPasses() {
    accepted(claims(), DEFAULTS);
  }

  @Test
  void expiryHasThirtySecondsOfLeeway() {
    accepted(claims().put("exp", NOW - 29), DEFAULTS);
    refusedAs(ErrorCode.TOKEN_EXPIRED, "exp was 30 s ago", claims().put("exp", NOW - 30), DEFAULTS);
    refusedAs(
        ErrorCode.TOKEN_EXPIRED,
        "exp was",
        claims().put("iat", NOW - 7200).put("exp", NOW - 3600),
        DEFAULTS);
  }

  @Test
  void aClockTwoSecondsAheadIsFineButMinutesAreNot() {
    accepted(claims().put("iat", NOW + 2).put("nbf", NOW + 2), DEFAULTS);
    accepted(claims().put("nbf", NOW + 30), DEFAULTS);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "nbf is 31 s in the future",
        claims().put("nbf", NOW + 31),
        DEFAULTS);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "iat is 120 s in the future",
        claims().put("iat", NOW + 120),
        DEFAULTS);
  }

  @Test
  void leewayIsASetting() {
    JwtPolicy none = JwtPolicy.from(Settings.of(Map.of("PODIUM_JWT_LEEWAY_S", "0")));
    refusedAs(ErrorCode.TOKEN_INVALID, "leeway 0 s", claims().put("nbf", NOW + 2), none);
    refusedAs(ErrorCode.TOKEN_EXPIRED, "leeway 0 s", claims().put("exp", NOW), none);
  }

  @Test
  void theDevTokensTwentyFourHoursPassButTheYear9999DoesNot() {
    accepted(claims().put("exp", NOW + 86_400), DEFAULTS);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "exp - iat is 253402300799",
        new JsonObject().put("iat", 0).put("exp", 253_402_300_799L),
        DEFAULTS);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "PODIUM_JWT_MAX_LIFETIME_S",
        claims().put("exp", 253_402_300_799L),
        DEFAULTS);
    // Without iat the lifetime counts from now.
    accepted(new JsonObject().put("exp", NOW + 86_400), DEFAULTS);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "exp - now",
        new JsonObject().put("exp", NOW + 2 * 86_400),
        DEFAULTS);
    // An old iat cannot stretch it either: exp - iat is what counts.
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "exp - iat",
        claims().put("iat", NOW - 86_400).put("exp", NOW + 3600),
        DEFAULTS);
  }

  @Test
  void maxLifetimeIsASetting() {
    JwtPolicy hour = JwtPolicy.from(Settings.of(Map.of("PODIUM_JWT_MAX_LIFETIME_S", "3600")));
    accepted(claims(), hour);
    refusedAs(
        ErrorCode.TOKEN_INVALID, "over the limit of 3600 s", claims().put("exp", NOW + 7200), hour);
  }

  @Test
  void issuerMustMatchExactlyWhenSet() {
    accepted(claims().put("iss", "https://idp.example/").put("aud", "podium"), STRICT);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "iss is 'https://idp.example', expected 'https://idp.example/'",
        claims().put("iss", "https://idp.example").put("aud", "podium"),
        STRICT);
    refusedAs(ErrorCode.TOKEN_INVALID, "iss is missing", claims().put("aud", "podium"), STRICT);
    // Not configured: any issuer (or none) is fine.
    accepted(claims().put("iss", "anyone"), DEFAULTS);
  }

  @Test
  void audienceMayBeAStringOrAnArrayContainingIt() {
    JsonObject base = claims().put("iss", "https://idp.example/");
    accepted(base.copy().put("aud", new JsonArray().add("other").add("podium")), STRICT);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "expected it to contain 'podium'",
        base.copy().put("aud", "podium-admin"),
        STRICT);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "aud is [\"a\",\"b\"]",
        base.copy().put("aud", new JsonArray().add("a").add("b")),
        STRICT);
    refusedAs(ErrorCode.TOKEN_INVALID, "aud is missing", base, STRICT);
    accepted(claims().put("aud", "whatever"), DEFAULTS);
  }

  @Test
  void claimsOfTheWrongTypeAreInvalidNotExceptions() {
    for (JsonObject bad :
        new JsonObject[] {
          claims().put("iat", String.valueOf(NOW)),
          claims().put("exp", String.valueOf(NOW + 60)),
          claims().put("nbf", true),
          claims().put("exp", new JsonObject()),
          claims().put("exp", Double.POSITIVE_INFINITY),
          claims().put("iss", 42),
          claims().put("aud", 42),
          claims().put("aud", new JsonArray().add("podium").add(7)),
          claims().put("aud", new JsonArray().addNull())
        }) {
      AuthFailure f = refused(bad, DEFAULTS);
      assertEquals(ErrorCode.TOKEN_INVALID, f.code(), bad.encode());
      assertTrue(f.details().contains("must be"), f.details());
    }
  }

  @Test
  void missingExpiryIsInvalid() {
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "exp claim is required",
        new JsonObject().put("iat", NOW),
        DEFAULTS);
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "exp claim is required",
        new JsonObject().putNull("exp"),
        DEFAULTS);
  }

  @Test
  void hugeNumbersAreHandled() {
    refusedAs(
        ErrorCode.TOKEN_INVALID,
        "PODIUM_JWT_MAX_LIFETIME_S",
        claims().put("exp", new BigInteger("123456789012345678901234567890")),
        DEFAULTS);
    refusedAs(ErrorCode.TOKEN_EXPIRED, "exp was", claims().put("exp", -1e300), DEFAULTS);
    accepted(claims().put("exp", NOW + 60.5), DEFAULTS);
  }

  @Test
  void detailsEchoAtMostAShortPieceOfAClaim() {
    String longIssuer = "x".repeat(5000);
    AuthFailure f = refused(claims().put("iss", longIssuer).put("aud", "podium"), STRICT);
    assertTrue(f.details().length() < 300, f.details());
  }
}
