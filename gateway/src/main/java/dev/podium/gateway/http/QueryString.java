package dev.podium.gateway.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads one parameter of a request URI's query as browsers encode it: parameters separated by
 * {@code &} or {@code ;}, name and value split at the first {@code =}, {@code +} and {@code %XX}
 * (UTF-8) decoded, nothing after a {@code #}. Vert.x 5 offers this for requests but not for a
 * WebSocket handshake, and Netty's decoder is not the gateway's to use (see "Architecture rules" in
 * docs/architecture.md); {@code QueryStringTest} holds it to Netty's answers.
 */
public final class QueryString {
  private QueryString() {}

  /**
   * The first value of {@code name} in {@code query} (the URI part after {@code ?}); {@code ""} for
   * a name without {@code =}; null when absent.
   *
   * @throws IllegalArgumentException for a malformed {@code %} escape in a name or that value
   */
  public static String first(String query, String name) {
    if (query == null) {
      return null;
    }
    int fragment = query.indexOf('#');
    int end = fragment < 0 ? query.length() : fragment;
    int start = 0;
    while (start < end) {
      int next = start;
      while (next < end && query.charAt(next) != '&' && query.charAt(next) != ';') {
        next++;
      }
      if (next > start) {
        int equals = query.indexOf('=', start);
        int nameEnd = equals < 0 || equals > next ? next : equals;
        if (name.equals(decode(query.substring(start, nameEnd)))) {
          return nameEnd == next ? "" : decode(query.substring(nameEnd + 1, next));
        }
      }
      start = next + 1;
    }
    return null;
  }

  private static String decode(String component) {
    return URLDecoder.decode(component, StandardCharsets.UTF_8);
  }
}
