package dev.podium.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.history.HistoryService;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.web.FrameAncestors;
import dev.podium.gateway.web.OriginPolicy;
import dev.podium.gateway.web.WebPolicy;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client port's HTTP side: security headers, caching, and what {@code /health} tells. */
class HttpRoutesTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static HttpClient client;
  private static io.vertx.core.Context context;

  /** What the loop's active-streams list answers: none until a test sets one. */
  private static final java.util.concurrent.atomic.AtomicReference<
          java.util.function.Supplier<Future<io.vertx.core.buffer.Buffer>>>
      streamsBody =
          new java.util.concurrent.atomic.AtomicReference<>(
              () -> Future.failedFuture("no presence-service here"));

  private record Reply(int status, MultiMap headers, String body) {}

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    WebPolicy web = new WebPolicy(OriginPolicy.parse("https://app.example"), FrameAncestors.none());
    server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    HttpRoutes.create(
                        vertx,
                        () -> streamsBody.get().get(),
                        HistoryService.createProxy(vertx),
                        new TokenVerifier(
                            vertx, "http-routes-test-secret-0123456789abcdef", "user_id"),
                        new dev.podium.gateway.edge.TokenBuckets(5, 30, System::nanoTime),
                        Optional.empty(),
                        web))
                .listen(0, "127.0.0.1"));
    client = vertx.createHttpClient();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static Reply get(String uri, String... headers) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(server.actualPort())
            .setURI(uri);
    for (int i = 0; i < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    // On a Vert.x context: a 5.0.10 client used from a plain thread now and then never completes.
    io.vertx.core.Promise<Reply> reply = io.vertx.core.Promise.promise();
    context.runOnContext(
        v ->
            client
                .request(options)
                .compose(req -> req.send())
                .compose(
                    (HttpClientResponse r) ->
                        r.body().map(b -> new Reply(r.statusCode(), r.headers(), b.toString())))
                .onComplete(reply));
    return await(reply.future());
  }

  @Test
  void theWebClientIsServedWithItsSecurityHeaders() {
    for (String uri :
        List.of("/", "/index.html", "/app.js", "/worklets/playback-processor.js", "/styles.css")) {
      Reply r = get(uri);
      assertEquals(200, r.status(), uri);
      assertEquals("nosniff", r.headers().get("X-Content-Type-Options"), uri);
      assertEquals("DENY", r.headers().get("X-Frame-Options"), uri);
      assertEquals("no-referrer", r.headers().get("Referrer-Policy"), uri);
      String csp = r.headers().get("Content-Security-Policy");
      assertNotNull(csp, uri);
      assertTrue(
          csp.contains("frame-ancestors 'none'")
              && csp.contains("script-src 'self'")
              && csp.contains("media-src 'self' blob:")
              && csp.contains("connect-src 'self' ws://127.0.0.1:* wss://127.0.0.1:*"),
          csp);
    }
  }

  @Test
  void thePageIsRevalidatedEveryTimeAndNothingIsImmutable() {
    Reply index = get("/");
    assertEquals("no-cache", index.headers().get("Cache-Control"));
    assertTrue(index.headers().get("Content-Type").startsWith("text/html"));
    assertTrue(index.body().contains("<title>Podium</title>"));
    String etag = index.headers().get("ETag");
    assertNotNull(etag);
    assertEquals(etag, get("/index.html").headers().get("ETag"));
    Reply again = get("/", "If-None-Match", etag);
    assertEquals(304, again.status());
    assertEquals("", again.body());
    assertEquals(200, get("/", "If-None-Match", "\"something-else\"").status());

    Reply script = get("/app.js");
    String caching = script.headers().get("Cache-Control");
    assertEquals("public, max-age=" + HttpRoutes.ASSET_MAX_AGE_SECONDS, caching);
    assertFalse(caching.contains("immutable"));
    assertNotNull(script.headers().get("Last-Modified"), "revalidated after max-age");
  }

  @Test
  void healthTellsNothingInternal() {
    Reply health = get("/health");
    assertEquals(503, health.status(), "this Vert.x is not in a cluster");
    assertEquals(new JsonObject().put("status", "down"), new JsonObject(health.body()));
    assertEquals("nosniff", health.headers().get("X-Content-Type-Options"));
  }

  @Test
  void opsEndpointsAreNotOnTheClientPort() {
    for (String uri : List.of("/metrics", "/health/ready", "/health/live")) {
      Reply r = get(uri);
      assertEquals(404, r.status(), uri);
      assertEquals("application/problem+json", r.headers().get("Content-Type"), uri);
      assertEquals("nosniff", r.headers().get("X-Content-Type-Options"), uri);
    }
  }

  @Test
  void problemAndApiResponsesAreNeverSniffed() {
    Reply streams = get("/api/streams");
    assertEquals(503, streams.status(), "no presence-service here");
    assertEquals("application/problem+json", streams.headers().get("Content-Type"));
    assertEquals("nosniff", streams.headers().get("X-Content-Type-Options"));
    assertEquals("service_unavailable", new JsonObject(streams.body()).getString("code"));
  }

  @Test
  void theStreamsListIsTheLoopsBodySentAsItIs() {
    io.vertx.core.buffer.Buffer body =
        io.vertx.core.buffer.Buffer.buffer("{\"streams\":[{\"event_id\":\"e1\"}]}");
    streamsBody.set(() -> Future.succeededFuture(body));
    try {
      // The same buffer for every request: each gets all of it.
      for (int i = 0; i < 3; i++) {
        Reply r = get(i == 0 ? "/api/streams" : "/api/streams/");
        assertEquals(200, r.status());
        assertEquals("application/json", r.headers().get("Content-Type"));
        assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
        assertEquals(body.toString(), r.body());
      }
    } finally {
      streamsBody.set(() -> Future.failedFuture("no presence-service here"));
    }
  }

  @Test
  void theClientConfigListsTheAllowedOrigins() {
    Reply config = get("/client-config.json");
    assertEquals(200, config.status());
    assertEquals("nosniff", config.headers().get("X-Content-Type-Options"));
    assertEquals(
        new JsonObject()
            .put("allowed_origins", new JsonArray().add("https://app.example"))
            .put("any_origin", false),
        new JsonObject(config.body()));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
