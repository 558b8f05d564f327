package dev.podium.gateway.web;

import dev.podium.runtime.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which web pages may use this gateway ({@code PODIUM_ALLOWED_ORIGINS}): open its WebSockets, and
 * hand the web client a token by {@code postMessage}. A browser always sends the page's {@code
 * Origin} on a WebSocket upgrade, and WebSockets are not covered by CORS, so without this check any
 * site a signed-in user visits could open sockets in their name.
 *
 * <p>Unset: same origin only (the {@code Origin}'s scheme, host and port equal the request's {@code
 * Host}, with the scheme taken from {@code X-Forwarded-Proto} when a proxy terminates TLS). {@code
 * *}: any origin. Otherwise a comma-separated list of exact origins such as {@code
 * https://app.example}, allowed besides the same origin. A request without {@code Origin} is not
 * from a browser page and is allowed: the token check still applies.
 */
public final class OriginPolicy {
  public static final String SETTING = "PODIUM_ALLOWED_ORIGINS";

  private final boolean anyOrigin;
  private final List<String> listed;

  private OriginPolicy(boolean anyOrigin, Set<String> listed) {
    this.anyOrigin = anyOrigin;
    this.listed = List.copyOf(listed);
  }

  /** Same origin only. */
  public static OriginPolicy sameOrigin() {
    return new OriginPolicy(false, Set.of());
  }

  public static OriginPolicy from(Settings settings) {
    return parse(settings.optional(SETTING));
  }

  /** The policy a setting's value describes; null or blank is same origin only. */
  public static OriginPolicy parse(String value) {
    if (value == null || value.isBlank()) {
      return sameOrigin();
    }
    if (value.trim().equals("*")) {
      return new OriginPolicy(true, Set.of());
    }
    Set<String> origins = new LinkedHashSet<>();
    for (String entry : value.split(",", -1)) {
      String e = entry.trim();
      if (e.equals("*")) {
        throw new Settings.InvalidSettingException(
            SETTING, "may be * alone or a list of origins, not both");
      }
      origins.add(
          normalise(e)
              .orElseThrow(
                  () ->
                      new Settings.InvalidSettingException(
                          SETTING,
                          "has '"
                              + e
                              + "', which is not an origin: write scheme, host and optional port, such as "
                              + "https://app.example or http://127.0.0.1:3000 (no path, no trailing slash)")));
    }
    return new OriginPolicy(false, origins);
  }

  public boolean anyOrigin() {
    return anyOrigin;
  }

  /**
   * The listed origins (normalised: lower case, default port left out), besides the same origin.
   */
  public List<String> listed() {
    return listed;
  }

  /**
   * Whether a request from a page of {@code origin} may proceed.
   *
   * @param origin the {@code Origin} header, null when absent
   * @param host the request's {@code Host} (or HTTP/2 authority), null when absent
   * @param forwardedProto the {@code X-Forwarded-Proto} header, null when absent
   * @param tls whether the request reached this server over TLS
   */
  public boolean allows(String origin, String host, String forwardedProto, boolean tls) {
    if (origin == null || anyOrigin) {
      return true;
    }
    Optional<String> page = normalise(origin);
    if (page.isEmpty()) {
      return false; // "null" (sandboxed frames, file: pages) and garbage
    }
    if (listed.contains(page.get())) {
      return true;
    }
    return host != null
        && normalise(scheme(forwardedProto, tls) + "://" + host.trim()).equals(page);
  }

  private static String scheme(String forwardedProto, boolean tls) {
    if (forwardedProto != null) {
      // A chain of proxies appends; the first is the one the browser talked to.
      String first = forwardedProto.split(",", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (first.equals("https") || first.equals("http")) {
        return first;
      }
    }
    return tls ? "https" : "http";
  }

  /**
   * {@code scheme://host[:port]} in lower case without a default port, or empty if not an http(s)
   * origin.
   */
  static Optional<String> normalise(String origin) {
    if (origin.isEmpty() || origin.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort =
        switch (scheme) {
          case "http" -> 80;
          case "https" -> 443;
          default -> -1;
        };
    if (defaultPort < 0
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || !uri.getRawPath().isEmpty()
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return Optional.empty();
    }
    int port = uri.getPort();
    if (port > 65535) {
      return Optional.empty();
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return Optional.of(scheme + "://" + host + (port < 0 || port == defaultPort ? "" : ":" + port));
  }
}
