package dev.podium.gateway.auth;

import dev.podium.runtime.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * What a token must satisfy beyond its signature, and where the public keys of RS256/ES256 tokens
 * come from.
 *
 * @param issuer required {@code iss}, exact match ({@code PODIUM_JWT_ISSUER}); null: not checked
 * @param audience required member of {@code aud} ({@code PODIUM_JWT_AUDIENCE}); null: not checked
 * @param maxLifetime longest accepted {@code exp - iat} (or {@code exp - now} without {@code iat})
 *     ({@code PODIUM_JWT_MAX_LIFETIME_S})
 * @param leeway clock skew allowed on {@code exp}, {@code nbf} and {@code iat} ({@code
 *     PODIUM_JWT_LEEWAY_S})
 * @param jwksUrl JWKS of the identity provider, for RS256 and ES256 tokens ({@code
 *     PODIUM_JWKS_URL}); null: none
 * @param jwksCacheTtl how long a fetched key set is used before it is fetched again ({@code
 *     PODIUM_JWKS_CACHE_MS})
 * @param jwksMinRefresh at most one fetch per this interval, whatever tokens arrive ({@code
 *     PODIUM_JWKS_MIN_REFRESH_MS})
 * @param jwksTimeout a fetch that takes longer fails ({@code PODIUM_JWKS_TIMEOUT_MS})
 * @param jwksMaxBytes a larger JWKS response is refused ({@code PODIUM_JWKS_MAX_BYTES})
 */
public record JwtPolicy(
    String issuer,
    String audience,
    Duration maxLifetime,
    Duration leeway,
    String jwksUrl,
    Duration jwksCacheTtl,
    Duration jwksMinRefresh,
    Duration jwksTimeout,
    int jwksMaxBytes) {

  public static final String JWKS_URL = "PODIUM_JWKS_URL";

  /** The defaults, without issuer, audience or JWKS. */
  public static JwtPolicy defaults() {
    return from(Settings.of(java.util.Map.of()));
  }

  public static JwtPolicy from(Settings settings) {
    String jwks = settings.optional(JWKS_URL);
    if (jwks != null) {
      checkUrl(jwks);
    }
    Duration cacheTtl = millis(settings, "PODIUM_JWKS_CACHE_MS", 600_000, 1_000, 86_400_000);
    Duration minRefresh = millis(settings, "PODIUM_JWKS_MIN_REFRESH_MS", 30_000, 100, 3_600_000);
    if (cacheTtl.compareTo(minRefresh) < 0) {
      // Otherwise a key set could expire while no fetch is allowed, refusing every token meanwhile.
      throw new Settings.InvalidSettingException(
          "PODIUM_JWKS_CACHE_MS",
          "must be at least PODIUM_JWKS_MIN_REFRESH_MS ("
              + minRefresh.toMillis()
              + "), got "
              + cacheTtl.toMillis());
    }
    return new JwtPolicy(
        settings.optional("PODIUM_JWT_ISSUER"),
        settings.optional("PODIUM_JWT_AUDIENCE"),
        // 24 h: the dev tokens' lifetime; one year at most, so "never expires" stays impossible.
        Duration.ofSeconds(settings.integer("PODIUM_JWT_MAX_LIFETIME_S", 86_400, 1, 366 * 86_400)),
        Duration.ofSeconds(settings.integer("PODIUM_JWT_LEEWAY_S", 30, 0, 300)),
        jwks,
        cacheTtl,
        minRefresh,
        millis(settings, "PODIUM_JWKS_TIMEOUT_MS", 3_000, 100, 60_000),
        settings.integer("PODIUM_JWKS_MAX_BYTES", 256 * 1024, 1024, 16 * 1024 * 1024));
  }

  private static Duration millis(
      Settings settings, String name, long fallback, long min, long max) {
    Duration d = settings.millis(name, fallback);
    if (d.toMillis() < min || d.toMillis() > max) {
      throw new Settings.InvalidSettingException(
          name, "must be between " + min + " and " + max + " ms, got " + d.toMillis());
    }
    return d;
  }

  private static void checkUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new Settings.InvalidSettingException(
            JWKS_URL, "must be an http:// or https:// URL, got '" + url + "'");
      }
    } catch (URISyntaxException e) {
      throw new Settings.InvalidSettingException(JWKS_URL, "is not a valid URL: " + e.getMessage());
    }
  }
}
