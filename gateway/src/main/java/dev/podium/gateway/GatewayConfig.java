package dev.podium.gateway;

import dev.podium.gateway.auth.JwtPolicy;
import dev.podium.gateway.edge.EdgeLimits;
import dev.podium.gateway.rates.MessageLimits;
import dev.podium.gateway.web.WebPolicy;
import dev.podium.runtime.Settings;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * The gateway's settings.
 *
 * @param httpPort HTTP and WebSocket port ({@code PODIUM_HTTP_PORT}, 0 picks a free one)
 * @param httpHost interface to bind ({@code PODIUM_HTTP_HOST})
 * @param jwtSecret HS256 secret of host and listener tokens ({@code PODIUM_JWT_SECRET}); null when
 *     only JWKS-signed tokens are accepted ({@code PODIUM_JWKS_URL} set, no secret, not dev mode)
 * @param jwtSecretGenerated true when dev mode made the secret up for this run
 * @param devMode {@code PODIUM_DEV}: generated secret allowed, {@code /dev/token} served
 * @param userClaim claim holding the user id ({@code PODIUM_JWT_USER_CLAIM}; {@code sub} is the
 *     fallback)
 * @param allowGuests token-less listeners accepted as unverified guests ({@code
 *     PODIUM_ALLOW_GUESTS})
 * @param authLookupUrl user directory asked before a host goes live ({@code
 *     PODIUM_AUTH_LOOKUP_URL}, optional)
 * @param authLookupTtl how long a directory answer is reused ({@code PODIUM_AUTH_LOOKUP_TTL_MS})
 * @param heartbeatInterval how often this node tells presence it is alive ({@code
 *     PODIUM_HEARTBEAT_MS})
 * @param maxTextBytes largest text message accepted ({@code PODIUM_MAX_TEXT_BYTES}, protocol: 64
 *     KiB)
 * @param maxBinaryBytes largest binary message accepted ({@code PODIUM_MAX_BINARY_BYTES})
 * @param packetMillis default ms of PCM room mix per WebSocket message: 20, 40 or 60 ({@code
 *     PODIUM_MEDIA_PTIME_MS}); a listener may choose with {@code ?ptime=}
 * @param nodeId this gateway node's id on the event bus
 * @param edge timeouts, caps and rates of the public edge ({@link EdgeLimits})
 * @param web origins allowed to use the sockets and the web client, framing ({@code
 *     PODIUM_ALLOWED_ORIGINS}, {@code PODIUM_FRAME_ANCESTORS})
 * @param messages per-user message rates and the size of room-wide signalling ({@code
 *     PODIUM_RATE_*}, {@code PODIUM_FLOOD_*}, {@code PODIUM_SIGNAL_BROADCAST_MAX_BYTES})
 * @param jwt issuer, audience, lifetime and leeway checks, and the JWKS for RS256/ES256 tokens
 * @param loops event loops that serve this gateway's sockets ({@code PODIUM_GATEWAY_LOOPS}, default
 *     the number of cores)
 */
public record GatewayConfig(
    int httpPort,
    String httpHost,
    String jwtSecret,
    boolean jwtSecretGenerated,
    boolean devMode,
    String userClaim,
    boolean allowGuests,
    String authLookupUrl,
    Duration authLookupTtl,
    Duration heartbeatInterval,
    int maxTextBytes,
    int maxBinaryBytes,
    int packetMillis,
    String nodeId,
    EdgeLimits edge,
    WebPolicy web,
    MessageLimits messages,
    JwtPolicy jwt,
    int loops) {

  private static int packetMillis(Settings settings) {
    int ms = settings.integer("PODIUM_MEDIA_PTIME_MS", 20, 20, 60);
    if (ms != 20 && ms != 40 && ms != 60) {
      throw new Settings.InvalidSettingException(
          "PODIUM_MEDIA_PTIME_MS", "must be 20, 40 or 60, got " + ms);
    }
    return ms;
  }

  /**
   * The number of cores this JVM may use (its CPU limit in a container), within the setting's
   * bounds.
   */
  static int defaultLoops() {
    return Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors()));
  }

  public static GatewayConfig from(Settings settings) {
    boolean dev = settings.bool("PODIUM_DEV", false);
    JwtPolicy jwt = JwtPolicy.from(settings);
    String secret = settings.optional("PODIUM_JWT_SECRET");
    boolean generated = false;
    if (secret == null && jwt.jwksUrl() == null && !dev) {
      throw new Settings.InvalidSettingException(
          "PODIUM_JWT_SECRET",
          "is required: set it to the HS256 secret your auth service signs tokens with, or set PODIUM_JWKS_URL "
              + "to your identity provider's JWKS (or PODIUM_DEV=true to generate a secret for local development)");
    }
    if (secret == null && dev) {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      generated = true;
    } else if (secret != null && secret.length() < 16) {
      throw new Settings.InvalidSettingException(
          "PODIUM_JWT_SECRET", "must be at least 16 characters long");
    }
    String lookup = settings.optional("PODIUM_AUTH_LOOKUP_URL");
    if (lookup != null && !(lookup.startsWith("http://") || lookup.startsWith("https://"))) {
      throw new Settings.InvalidSettingException(
          "PODIUM_AUTH_LOOKUP_URL", "must be an http:// or https:// URL, got '" + lookup + "'");
    }
    if (lookup != null && lookup.endsWith("/")) {
      lookup = lookup.substring(0, lookup.length() - 1);
    }
    return new GatewayConfig(
        settings.integer("PODIUM_HTTP_PORT", 8000, 0, 65535),
        settings.string("PODIUM_HTTP_HOST", "0.0.0.0"),
        secret,
        generated,
        dev,
        settings.string("PODIUM_JWT_USER_CLAIM", "user_id"),
        settings.bool("PODIUM_ALLOW_GUESTS", false),
        lookup,
        settings.millis("PODIUM_AUTH_LOOKUP_TTL_MS", 60_000),
        settings.millis("PODIUM_HEARTBEAT_MS", 1_000),
        settings.integer("PODIUM_MAX_TEXT_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
        settings.integer("PODIUM_MAX_BINARY_BYTES", 1024 * 1024, 1024, 16 * 1024 * 1024),
        packetMillis(settings),
        UUID.randomUUID().toString(),
        EdgeLimits.from(settings),
        WebPolicy.from(settings),
        MessageLimits.from(settings),
        jwt,
        settings.integer("PODIUM_GATEWAY_LOOPS", defaultLoops(), 1, 64));
  }
}
