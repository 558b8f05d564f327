package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code PODIUM_AUTH_LOOKUP_URL} set, a host is checked against a real (local) user directory
 * before going live: 200 names the user, 404 refuses, a directory that is down refuses with {@code
 * auth_unavailable}; definite answers are cached.
 */
class AuthLookupEndToEndTest {
  private static final Map<String, AtomicInteger> REQUESTS = new ConcurrentHashMap<>();
  private static Vertx directoryVertx;
  private static HttpServer directory;
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    directoryVertx = Vertx.vertx();
    directory =
        PodiumHarness.await(
            directoryVertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      String userId = req.path().substring(req.path().lastIndexOf('/') + 1);
                      REQUESTS.computeIfAbsent(userId, k -> new AtomicInteger()).incrementAndGet();
                      switch (userId) {
                        case "known", "cached" ->
                            req.response()
                                .putHeader("Content-Type", "application/json")
                                .end(
                                    new JsonObject()
                                        .put("id", userId)
                                        .put("username", "Directory " + userId)
                                        .encode());
                        case "broken" -> req.response().setStatusCode(500).end("boom");
                        default -> req.response().setStatusCode(404).end();
                      }
                    })
                .listen(0, "127.0.0.1"));
    podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_AUTH_LOOKUP_URL",
                "http://127.0.0.1:" + directory.actualPort() + "/users/",
                "PODIUM_AUTH_LOOKUP_TTL_MS",
                "60000"));
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
    PodiumHarness.await(directoryVertx.close());
  }

  private TestSocket goLive(String userId) {
    return podium.connect(
        node,
        "/ws/stream/start/live/" + userId + "/?token=" + TestTokens.valid(userId, "Token Name"));
  }

  @Test
  void aKnownUserGoesLiveWithTheDirectoryName() {
    TestSocket host = goLive("known");
    host.expect("stream_link");
    assertEquals(
        "Directory known", host.expect("room_state").getJsonObject("host").getString("username"));
  }

  @Test
  void anUnknownUserIsRefused() {
    TestSocket host = goLive("stranger");
    host.expectError("user_not_found");
    assertEquals(4003, host.awaitClose());
  }

  @Test
  void aFailingDirectoryMeansAuthUnavailable() {
    TestSocket host = goLive("broken");
    host.expectError("auth_unavailable");
    assertEquals(4503, host.awaitClose());
  }

  @Test
  void answersAreCached() {
    TestSocket first = goLive("cached");
    first.expect("stream_link");
    first.close();
    TestSocket second = goLive("cached");
    second.expect("stream_link");
    assertEquals(1, REQUESTS.get("cached").get());
  }

  @Test
  void aDirectoryThatIsDownMeansAuthUnavailable() {
    Vertx other = Vertx.vertx();
    try {
      // A port that was just free: nothing listens there.
      HttpServer probe =
          PodiumHarness.await(
              other
                  .createHttpServer()
                  .requestHandler(r -> r.response().end())
                  .listen(0, "127.0.0.1"));
      int deadPort = probe.actualPort();
      PodiumHarness.await(probe.close());
      Vertx downNode =
          podium.startGatewayOnly(Map.of("PODIUM_AUTH_LOOKUP_URL", "http://127.0.0.1:" + deadPort));
      try {
        TestSocket host =
            podium.connect(
                downNode, "/ws/stream/start/live/known/?token=" + TestTokens.valid("known"));
        host.expectError("auth_unavailable");
        assertEquals(4503, host.awaitClose());
      } finally {
        podium.stop(downNode);
      }
    } finally {
      PodiumHarness.await(other.close());
    }
  }
}
