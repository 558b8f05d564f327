package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, part 8, as an attacker on the internet tries it against a running all-in-one: the ops
 * endpoints (probes, metrics) are not on the client port, {@code /health} tells nothing internal,
 * and a page of a foreign site cannot open sockets in its visitor's name ({@code
 * PODIUM_ALLOWED_ORIGINS}). A second gateway in the same cluster runs with an allow-list.
 */
class OpsAbuseTest {
  private static final String APP_ORIGIN = "https://app.example";
  private static final String FOREIGN = "https://evil.example";

  private static PodiumHarness podium;
  private static Vertx node;
  private static Vertx listing;
  private static Bystanders bystanders;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    node = podium.startAllInOne();
    listing =
        podium.startGatewayOnly(
            Map.of("PODIUM_ALLOWED_ORIGINS", APP_ORIGIN + ",http://127.0.0.1:3000"));
    // The first request a fresh JVM's router sees loads and compiles its classes (hundreds of ms
    // on a busy machine): done here, with a path no test asks for, so that the measuring window
    // sees the attack and not the cold start.
    for (Vertx gateway : List.of(node, listing)) {
      podium.get(gateway, "/warm-up-" + System.nanoTime());
    }
    // A load balancer sends nobody to a gateway before it is ready; nor do these tests (a gateway
    // that just joined may not see the services' event-bus consumers for a moment on a busy
    // machine).
    for (Vertx gateway : List.of(node, listing)) {
      awaitReady(gateway);
    }
    // One bystander room for the class: it has been streaming a while when a test measures.
    bystanders = Bystanders.start(podium.port(node), TestTokens::valid);
  }

  /** Polls the gateway's readiness on its ops port until it is ready, for at most 60 s. */
  private static void awaitReady(Vertx gateway) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    HttpReply ready = podium.opsGet(gateway, "/health/ready");
    while (!Integer.valueOf(200).equals(ready.status()) && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
      ready = podium.opsGet(gateway, "/health/ready");
    }
    assertEquals(200, ready.status(), "gateway not ready within 60 s: " + ready.body());
  }

  @AfterAll
  static void stop() {
    if (bystanders != null) {
      bystanders.close();
    }
    podium.close();
  }

  private static String selfOrigin(Vertx gateway) {
    return "http://127.0.0.1:" + podium.port(gateway);
  }

  private static WebSocketConnectOptions from(String origin, String uri) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setURI(uri);
    return origin == null
        ? options.setAllowOriginHeader(false)
        : options.addHeader("Origin", origin);
  }

  private static String goLiveUri(String userId) {
    return "/ws/stream/start/live/" + userId + "/?token=" + TestTokens.valid(userId);
  }

  private static double refusedForOrigin(Vertx gateway) {
    return podium
        .opsGet(gateway, "/metrics")
        .metric("podium_connections_refused_total", "reason=\"origin_not_allowed\"")
        .orElse(0);
  }

  @Test
  void probesAndMetricsAreOnlyOnTheOpsPort() {
    bystanders.startMeasuring();
    for (Vertx gateway : List.of(node, listing)) {
      for (String uri :
          List.of("/metrics", "/health/ready", "/health/live", "/health/ready/", "/metrics/")) {
        HttpReply client = podium.get(gateway, uri);
        assertEquals(404, client.status(), uri + " on the client port: " + client.body());
        assertEquals("not_found", new JsonObject(client.body()).getString("code"), uri);
      }
    }
    bystanders.assertWell();
    // The operator's side (not part of the attack, so outside the measuring window).
    for (Vertx gateway : List.of(node, listing)) {
      assertEquals(200, podium.opsGet(gateway, "/health/live").status());
      HttpReply ready = podium.opsGet(gateway, "/health/ready");
      assertEquals(200, ready.status(), ready.body());
      assertTrue((podium.opsGet(gateway, "/metrics").body()).contains("podium_gateway_sockets"));
    }
  }

  @Test
  void healthTellsALoadBalancerUpOrDownAndNothingElse() {
    bystanders.startMeasuring();
    HttpReply health = podium.get(node, "/health");
    assertEquals(200, health.status());
    assertEquals(new JsonObject().put("status", "up"), new JsonObject(health.body()));
    String body = health.body();
    assertFalse(body.contains("node") || body.contains("media") || body.contains("frames"), body);
    bystanders.assertWell();
  }

  @Test
  void aForeignPageCannotOpenAnySocket() {
    TestSocket host = podium.goLive(node, "origin-host");
    String eventId = host.expect("room_state").getJsonObject("event").getString("id");
    double refusedBefore = refusedForOrigin(node);
    bystanders.startMeasuring();
    List<String> foreign =
        List.of(
            FOREIGN,
            "null",
            "https://127.0.0.1:" + podium.port(node),
            "http://127.0.0.1:" + (podium.port(node) + 1),
            "http://localhost:" + podium.port(node));
    for (String origin : foreign) {
      assertEquals(
          403,
          podium.upgradeStatus(node, from(origin, goLiveUri("mallory"))),
          "go live from " + origin);
      assertEquals(
          403,
          podium.upgradeStatus(node, from(origin, PodiumHarness.joinUri(eventId, "mallory"))),
          "join from " + origin);
      assertEquals(
          403,
          podium.upgradeStatus(node, from(origin, "/ws/active-streams/")),
          "active streams from " + origin);
    }
    // Refused before any work: no event for the would-be host, nobody joined the host's room.
    JsonArray streams =
        new JsonObject(podium.get(node, "/api/streams").body()).getJsonArray("streams");
    assertTrue(
        streams.stream()
            .map(JsonObject.class::cast)
            .noneMatch(
                s ->
                    "mallory".equals(s.getString("host_user_id"))
                        || "mallory"
                            .equals(
                                s.getJsonObject("host", new JsonObject()).getString("user_id"))),
        streams.encode());
    // The host alone is counted. The list's count is written behind presence's changes, so it
    // may lag the host's own join by a moment: read it until it shows, bounded.
    host.expect("participant_count", m -> m.getInteger("count") == 1);
    long deadline = System.currentTimeMillis() + 5_000;
    JsonObject stream = LiveRoomEndToEndTest.streamOf(streams, eventId);
    while ((stream == null || stream.getInteger("participant_count") != 1)
        && System.currentTimeMillis() < deadline) {
      streams = new JsonObject(podium.get(node, "/api/streams").body()).getJsonArray("streams");
      stream = LiveRoomEndToEndTest.streamOf(streams, eventId);
    }
    assertTrue(stream != null, "the event is listed: " + streams.encode());
    assertEquals(1, stream.getInteger("participant_count"), stream.encode());
    bystanders.assertWell();
    assertEquals(
        refusedBefore + 3 * foreign.size(), refusedForOrigin(node), "each refusal is counted");
    host.close();
  }

  @Test
  void theSameOriginAndClientsWithoutAnOriginGetIn() {
    TestSocket host = podium.goLive(node, "origin-host-2");
    String eventId = host.expect("room_state").getJsonObject("event").getString("id");
    // No attack here: what must keep working (the bystanders' room runs beside it all the same).
    for (String origin : new String[] {selfOrigin(node), null}) {
      assertEquals(
          101,
          podium.upgradeStatus(node, from(origin, "/ws/active-streams/")),
          "active streams from " + origin);
      TestSocket listener =
          podium.connect(
              node,
              from(
                  origin,
                  PodiumHarness.joinUri(eventId, "same-" + (origin == null ? "app" : "page"))));
      listener.expect("room_state");
      listener.close();
    }
    TestSocket viaProxy =
        podium.connect(
            node,
            from(
                    "https://127.0.0.1:" + podium.port(node),
                    PodiumHarness.joinUri(eventId, "tls-page"))
                .addHeader("X-Forwarded-Proto", "https"));
    viaProxy.expect("room_state");
    viaProxy.close();
    TestSocket live = podium.connect(node, from(null, goLiveUri("app-host")));
    live.expect("stream_link");
    live.close();
    host.close();
  }

  @Test
  void configuredOriginsGetInAndOthersStillDoNot() {
    TestSocket host = podium.goLive(listing, "origin-host-3");
    String eventId = host.expect("room_state").getJsonObject("event").getString("id");
    for (String origin : List.of(APP_ORIGIN, "http://127.0.0.1:3000", selfOrigin(listing))) {
      TestSocket listener =
          podium.connect(
              listing,
              from(
                  origin, PodiumHarness.joinUri(eventId, "listed-" + Math.abs(origin.hashCode()))));
      listener.expect("room_state");
      listener.close();
      assertEquals(101, podium.upgradeStatus(listing, from(origin, "/ws/active-streams/")), origin);
    }
    bystanders.startMeasuring();
    assertEquals(
        403,
        podium.upgradeStatus(listing, from(FOREIGN, PodiumHarness.joinUri(eventId, "mallory"))));
    assertEquals(
        403,
        podium.upgradeStatus(
            listing, from("http://app.example", PodiumHarness.joinUri(eventId, "mallory"))),
        "scheme matters");
    // The gateway without a list refuses the app's origin: the list is per deployment.
    assertEquals(403, podium.upgradeStatus(node, from(APP_ORIGIN, "/ws/active-streams/")));
    bystanders.assertWell();
    // The web client learns the list (for postMessage tokens) from the gateway.
    assertEquals(
        new JsonArray().add(APP_ORIGIN).add("http://127.0.0.1:3000"),
        new JsonObject(podium.get(listing, "/client-config.json").body())
            .getJsonArray("allowed_origins"));
    assertEquals(
        new JsonArray(),
        new JsonObject(podium.get(node, "/client-config.json").body())
            .getJsonArray("allowed_origins"));
    host.close();
  }
}
