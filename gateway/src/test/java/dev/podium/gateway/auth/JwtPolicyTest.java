package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import dev.podium.runtime.Settings.InvalidSettingException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtPolicyTest {
  private static JwtPolicy policy(Map<String, String> values) {
    return JwtPolicy.from(Settings.of(values));
  }

  @Test
  void defaultsAreSafe() {
    JwtPolicy p = JwtPolicy.defaults();
    assertNull(p.issuer());
    assertNull(p.audience());
    assertEquals(Duration.ofHours(24), p.maxLifetime());
    assertEquals(Duration.ofSeconds(30), p.leeway());
    assertNull(p.jwksUrl());
    assertEquals(Duration.ofMinutes(10), p.jwksCacheTtl());
    assertEquals(Duration.ofSeconds(30), p.jwksMinRefresh());
    assertEquals(Duration.ofSeconds(3), p.jwksTimeout());
    assertEquals(256 * 1024, p.jwksMaxBytes());
  }

  @Test
  void readsItsSettings() {
    JwtPolicy p =
        policy(
            Map.of(
                "PODIUM_JWT_ISSUER", "https://tenant.eu.auth0.com/",
                "PODIUM_JWT_AUDIENCE", "https://podium.example/api",
                "PODIUM_JWT_MAX_LIFETIME_S", "3600",
                "PODIUM_JWT_LEEWAY_S", "5",
                "PODIUM_JWKS_URL", "https://tenant.eu.auth0.com/.well-known/jwks.json",
                "PODIUM_JWKS_CACHE_MS", "60000",
                "PODIUM_JWKS_MIN_REFRESH_MS", "5000",
                "PODIUM_JWKS_TIMEOUT_MS", "1500",
                "PODIUM_JWKS_MAX_BYTES", "65536"));
    assertEquals("https://tenant.eu.auth0.com/", p.issuer());
    assertEquals("https://podium.example/api", p.audience());
    assertEquals(Duration.ofHours(1), p.maxLifetime());
    assertEquals(Duration.ofSeconds(5), p.leeway());
    assertEquals("https://tenant.eu.auth0.com/.well-known/jwks.json", p.jwksUrl());
    assertEquals(Duration.ofMinutes(1), p.jwksCacheTtl());
    assertEquals(Duration.ofSeconds(5), p.jwksMinRefresh());
    assertEquals(Duration.ofMillis(1500), p.jwksTimeout());
    assertEquals(65536, p.jwksMaxBytes());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jwks.example/keys",
        "ftp://jwks.example/keys",
        "file:///etc/jwks.json",
        "https://",
        "http://a b/"
      })
  void aJwksUrlMustBeHttpOrHttps(String url) {
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> policy(Map.of("PODIUM_JWKS_URL", url)));
    assertTrue(e.getMessage().startsWith("PODIUM_JWKS_URL "), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "PODIUM_JWT_MAX_LIFETIME_S, 0",
    "PODIUM_JWT_MAX_LIFETIME_S, 99999999",
    "PODIUM_JWT_LEEWAY_S, -1",
    "PODIUM_JWT_LEEWAY_S, 3600",
    "PODIUM_JWKS_CACHE_MS, 10",
    "PODIUM_JWKS_MIN_REFRESH_MS, 0",
    "PODIUM_JWKS_TIMEOUT_MS, 0",
    "PODIUM_JWKS_TIMEOUT_MS, soon",
    "PODIUM_JWKS_MAX_BYTES, 10"
  })
  void outOfRangeValuesNameTheirSetting(String name, String value) {
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> policy(Map.of(name, value)));
    assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
  }

  @Test
  void theCacheMayNotExpireFasterThanItMayBeRefreshed() {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () ->
                policy(
                    Map.of(
                        "PODIUM_JWKS_CACHE_MS", "10000", "PODIUM_JWKS_MIN_REFRESH_MS", "20000")));
    assertTrue(e.getMessage().startsWith("PODIUM_JWKS_CACHE_MS "), e.getMessage());
    assertEquals(
        Duration.ofSeconds(20),
        policy(Map.of("PODIUM_JWKS_CACHE_MS", "20000", "PODIUM_JWKS_MIN_REFRESH_MS", "20000"))
            .jwksCacheTtl());
  }
}
