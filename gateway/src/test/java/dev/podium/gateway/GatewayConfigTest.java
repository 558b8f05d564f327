package dev.podium.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import dev.podium.runtime.Settings.InvalidSettingException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayConfigTest {
  private static final String SECRET = "0123456789abcdef-secret";

  private static GatewayConfig config(Map<String, String> values) {
    return GatewayConfig.from(Settings.of(values));
  }

  @Test
  void missingSecretOutsideDevModeIsRefused() {
    for (Map<String, String> values :
        new Map[] {Map.of(), Map.of("PODIUM_DEV", "false"), Map.of("PODIUM_JWT_SECRET", "   ")}) {
      InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> config(values));
      assertTrue(e.getMessage().startsWith("PODIUM_JWT_SECRET "), e.getMessage());
    }
  }

  @Test
  void devModeGeneratesASecret() {
    GatewayConfig a = config(Map.of("PODIUM_DEV", "true"));
    GatewayConfig b = config(Map.of("PODIUM_DEV", "true"));
    assertTrue(a.devMode());
    assertTrue(a.jwtSecretGenerated());
    assertTrue(a.jwtSecret().length() >= 32, a.jwtSecret());
    assertNotEquals(a.jwtSecret(), b.jwtSecret());
  }

  @Test
  void givenSecretIsUsedAsIs() {
    GatewayConfig c = config(Map.of("PODIUM_JWT_SECRET", SECRET, "PODIUM_DEV", "true"));
    assertEquals(SECRET, c.jwtSecret());
    assertFalse(c.jwtSecretGenerated());
  }

  @Test
  void shortSecretIsRefused() {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class, () -> config(Map.of("PODIUM_JWT_SECRET", "too-short")));
    assertTrue(e.getMessage().startsWith("PODIUM_JWT_SECRET "), e.getMessage());
  }

  @Test
  void defaults() {
    GatewayConfig c = config(Map.of("PODIUM_JWT_SECRET", SECRET));
    assertEquals(8000, c.httpPort());
    assertEquals("0.0.0.0", c.httpHost());
    assertFalse(c.devMode());
    assertEquals("user_id", c.userClaim());
    assertFalse(c.allowGuests());
    assertNull(c.authLookupUrl());
    assertEquals(Duration.ofSeconds(60), c.authLookupTtl());
    assertEquals(Duration.ofSeconds(1), c.heartbeatInterval());
    assertEquals(64 * 1024, c.maxTextBytes());
    assertEquals(1024 * 1024, c.maxBinaryBytes());
    assertNotEquals(c.nodeId(), config(Map.of("PODIUM_JWT_SECRET", SECRET)).nodeId());
  }

  @Test
  void lookupUrlLosesItsTrailingSlash() {
    GatewayConfig c =
        config(
            Map.of(
                "PODIUM_JWT_SECRET",
                SECRET,
                "PODIUM_AUTH_LOOKUP_URL",
                "https://users.example/api/users/"));
    assertEquals("https://users.example/api/users", c.authLookupUrl());
    assertEquals(
        "http://localhost:9000/u",
        config(
                Map.of(
                    "PODIUM_JWT_SECRET",
                    SECRET,
                    "PODIUM_AUTH_LOOKUP_URL",
                    "http://localhost:9000/u"))
            .authLookupUrl());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"users.example/api", "ftp://users.example", "localhost:9000", "/api/users"})
  void badLookupUrlIsRefused(String url) {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> config(Map.of("PODIUM_JWT_SECRET", SECRET, "PODIUM_AUTH_LOOKUP_URL", url)));
    assertTrue(e.getMessage().startsWith("PODIUM_AUTH_LOOKUP_URL "), e.getMessage());
  }

  @Test
  void badNumbersNameTheirVariable() {
    for (Map.Entry<String, String> bad :
        Map.of(
                "PODIUM_HTTP_PORT", "70000",
                "PODIUM_MAX_TEXT_BYTES", "100",
                "PODIUM_HEARTBEAT_MS", "-1",
                "PODIUM_ALLOW_GUESTS", "sometimes")
            .entrySet()) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () -> config(Map.of("PODIUM_JWT_SECRET", SECRET, bad.getKey(), bad.getValue())));
      assertTrue(e.getMessage().startsWith(bad.getKey() + " "), e.getMessage());
    }
  }

  @Test
  void readsItsSettings() {
    GatewayConfig c =
        config(
            Map.of(
                "PODIUM_JWT_SECRET", SECRET,
                "PODIUM_HTTP_PORT", "0",
                "PODIUM_HTTP_HOST", "127.0.0.1",
                "PODIUM_JWT_USER_CLAIM", "uid",
                "PODIUM_ALLOW_GUESTS", "yes",
                "PODIUM_AUTH_LOOKUP_TTL_MS", "1500",
                "PODIUM_HEARTBEAT_MS", "250"));
    assertEquals(0, c.httpPort());
    assertEquals("127.0.0.1", c.httpHost());
    assertEquals("uid", c.userClaim());
    assertTrue(c.allowGuests());
    assertEquals(Duration.ofMillis(1500), c.authLookupTtl());
    assertEquals(Duration.ofMillis(250), c.heartbeatInterval());
  }

  @Test
  void aJwksUrlMakesTheSecretOptional() {
    GatewayConfig c =
        config(Map.of("PODIUM_JWKS_URL", "https://idp.example/.well-known/jwks.json"));
    assertNull(c.jwtSecret());
    assertFalse(c.jwtSecretGenerated());
    assertEquals("https://idp.example/.well-known/jwks.json", c.jwt().jwksUrl());
    GatewayConfig both =
        config(Map.of("PODIUM_JWKS_URL", "http://127.0.0.1:9/jwks", "PODIUM_JWT_SECRET", SECRET));
    assertEquals(SECRET, both.jwtSecret());
    // Dev mode still makes up a secret for /dev/token.
    assertTrue(
        config(Map.of("PODIUM_JWKS_URL", "http://127.0.0.1:9/jwks", "PODIUM_DEV", "true"))
            .jwtSecretGenerated());
  }

  @Test
  void gatewayLoopsDefaultToTheCoresAndAreRangeChecked() {
    assertEquals(
        Math.min(64, Runtime.getRuntime().availableProcessors()),
        config(Map.of("PODIUM_JWT_SECRET", SECRET)).loops(),
        "one loop per core by default");
    assertEquals(
        3, config(Map.of("PODIUM_JWT_SECRET", SECRET, "PODIUM_GATEWAY_LOOPS", "3")).loops());
    for (String bad : new String[] {"0", "65", "two"}) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () -> config(Map.of("PODIUM_JWT_SECRET", SECRET, "PODIUM_GATEWAY_LOOPS", bad)));
      assertTrue(e.getMessage().startsWith("PODIUM_GATEWAY_LOOPS "), e.getMessage());
    }
  }
}
