package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketPathTest {

  private static WebSocketPath parsed(String path) {
    Optional<WebSocketPath> p = WebSocketPath.parse(path);
    assertTrue(p.isPresent(), path + " should parse");
    return p.get();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ws/active-streams", "/ws/active-streams/"})
  void activeStreams(String path) {
    assertEquals(new WebSocketPath.ActiveStreams(), parsed(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ws/stream/start/live/u42", "/ws/stream/start/live/u42/"})
  void goLive(String path) {
    assertEquals(new WebSocketPath.GoLive("u42"), parsed(path));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/ws/stream/live/join/event/ev1/Alice/u7",
        "/ws/stream/live/join/event/ev1/Alice/u7/"
      })
  void joinWithUsername(String path) {
    assertEquals(new WebSocketPath.Join("ev1", "Alice", "u7"), parsed(path));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/ws/stream/live/join/event/ev1/u7", "/ws/stream/live/join/event/ev1/u7/"})
  void joinWithoutUsername(String path) {
    assertEquals(new WebSocketPath.Join("ev1", null, "u7"), parsed(path));
  }

  @Test
  void segmentsAreUrlDecoded() {
    assertEquals(
        new WebSocketPath.Join("ev1", "Ana María", "u/7"),
        parsed("/ws/stream/live/join/event/ev1/Ana%20Mar%C3%ADa/u%2F7/"));
    assertEquals(new WebSocketPath.GoLive("a b@c"), parsed("/ws/stream/start/live/a%20b%40c"));
  }

  @Test
  void plusIsALiteralPlusInAPath() {
    assertEquals(
        new WebSocketPath.Join("ev1", "a+b", "u+1"),
        parsed("/ws/stream/live/join/event/ev1/a+b/u+1"));
    assertEquals(new WebSocketPath.GoLive("c+d"), parsed("/ws/stream/start/live/c%2Bd"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "/ws",
        "/ws/",
        "/api/active-streams",
        "/wss/active-streams",
        "/WS/active-streams",
        "/ws/active-streams/extra",
        "/ws/active",
        "/active-streams",
        "/ws/stream/start/live",
        "/ws/stream/start/live/",
        "/ws/stream/start/live/u1/extra",
        "/ws/stream/start/u1",
        "/ws/stream/stop/live/u1",
        "/ws/stream/live/join/event",
        "/ws/stream/live/join/event/ev1",
        "/ws/stream/live/join/event/ev1/",
        "/ws/stream/live/join/event/ev1/name/u1/extra",
        "/ws/stream/live/join/ev/ev1/name/u1",
        "/ws/stream/live/leave/event/ev1/u1",
        "/stream/live/join/event/ev1/u1"
      })
  void unknownPathsAreEmpty(String path) {
    assertEquals(Optional.empty(), WebSocketPath.parse(path));
  }

  @Test
  void nullIsEmpty() {
    assertEquals(Optional.empty(), WebSocketPath.parse(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/ws/stream/start/live/%zz/",
        "/ws/stream/start/live/100%/",
        "/ws/stream/live/join/event/ev1/%E0%A4%A/u1"
      })
  void malformedEscapesAreEmpty(String path) {
    assertEquals(Optional.empty(), WebSocketPath.parse(path));
  }
}
