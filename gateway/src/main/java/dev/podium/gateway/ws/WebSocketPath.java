package dev.podium.gateway.ws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** The WebSocket endpoints, parsed from a request path (a trailing slash is optional). */
public sealed interface WebSocketPath {

  /** {@code /ws/stream/start/live/{userId}/} */
  record GoLive(String userId) implements WebSocketPath {}

  /**
   * {@code /ws/stream/live/join/event/{eventId}/{username}/{userId}/} or {@code
   * .../{eventId}/{userId}/}
   */
  record Join(String eventId, String username, String userId) implements WebSocketPath {}

  /** {@code /ws/active-streams/} */
  record ActiveStreams() implements WebSocketPath {}

  static Optional<WebSocketPath> parse(String path) {
    if (path == null) {
      return Optional.empty();
    }
    String[] s;
    try {
      s =
          Arrays.stream(path.split("/"))
              .filter(p -> !p.isEmpty())
              .map(WebSocketPath::decode)
              .toArray(String[]::new);
    } catch (IllegalArgumentException malformedEscape) {
      return Optional.empty();
    }
    if (s.length < 2 || !"ws".equals(s[0])) {
      return Optional.empty();
    }
    if (s.length == 2 && "active-streams".equals(s[1])) {
      return Optional.of(new ActiveStreams());
    }
    if (s.length == 5 && "stream".equals(s[1]) && "start".equals(s[2]) && "live".equals(s[3])) {
      return Optional.of(new GoLive(s[4]));
    }
    if (s.length >= 7
        && s.length <= 8
        && "stream".equals(s[1])
        && "live".equals(s[2])
        && "join".equals(s[3])
        && "event".equals(s[4])) {
      return s.length == 8
          ? Optional.of(new Join(s[5], s[6], s[7]))
          : Optional.of(new Join(s[5], null, s[6]));
    }
    return Optional.empty();
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
