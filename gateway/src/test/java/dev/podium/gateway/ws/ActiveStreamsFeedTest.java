package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.presence.PresenceService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/streams} is served from the loop's list: requests cost no call to the cluster,
 * the body is encoded once per change, and it follows the parts the presence-service instances
 * publish. A fake clock stands for the start-up window and for silent instances.
 */
class ActiveStreamsFeedTest {
  private static Vertx vertx;
  private static Context context;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject entry(String eventId) {
    return new JsonObject()
        .put("event_id", eventId)
        .put("host", new JsonObject().put("user_id", "h-" + eventId).put("username", "Host"))
        .put("started_at", "2026-12-05T10:00:00Z")
        .put("mode", "audio")
        .put("participant_count", 1);
  }

  /** A presence-service whose {@code activeStreams} answers {@code reads} and counts the calls. */
  private static PresenceService presence(AtomicInteger calls, Supplier<Future<JsonObject>> reads) {
    return (PresenceService)
        Proxy.newProxyInstance(
            PresenceService.class.getClassLoader(),
            new Class<?>[] {PresenceService.class},
            (proxy, method, args) -> {
              if (method.getName().equals("activeStreams")) {
                calls.incrementAndGet();
                return reads.get();
              }
              return Future.failedFuture("not in this test");
            });
  }

  private static JsonObject list(JsonObject... entries) {
    return new JsonObject()
        .put("type", "active_streams")
        .put("streams", new JsonArray(List.of((Object[]) entries)));
  }

  /** Runs on the feed's loop and waits for the result. */
  private static <T> T on(Callable<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            action.call().onSuccess(result::complete).onFailure(result::completeExceptionally);
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static Set<String> ids(Buffer body) {
    Set<String> ids = new TreeSet<>();
    new JsonObject(body.toString())
        .getJsonArray("streams")
        .forEach(s -> ids.add(((JsonObject) s).getString("event_id")));
    return ids;
  }

  /**
   * Publishes a part from the feed's loop, then reads the body there: the part's delivery is queued
   * on that loop before the read, so the read sees it.
   */
  private static Set<String> afterPart(ActiveStreamsFeed feed, JsonObject part) throws Exception {
    on(
        () -> {
          vertx.eventBus().publish(Addresses.ACTIVE_STREAMS_PARTS, part);
          return Future.succeededFuture();
        });
    return ids(on(feed::httpBody));
  }

  private static JsonObject part(boolean full, JsonArray streams) {
    return new JsonObject().put("instance", "presence-1").put("full", full).put("streams", streams);
  }

  @Test
  void requestsAreServedFromTheLoopsListAndFollowTheParts() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    AtomicLong now = new AtomicLong(1_000_000);
    ActiveStreamsFeed feed =
        new ActiveStreamsFeed(
            vertx, presence(reads, () -> Future.succeededFuture(list(entry("e1")))), now::get);
    on(feed::start);
    assertEquals(Set.of("e1"), ids(on(feed::httpBody)), "the start-up read fills the list");

    // A client polling as fast as it can: the cluster is not asked, the body is encoded once.
    Buffer first = on(feed::httpBody);
    List<Buffer> bodies = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      bodies.add(on(feed::httpBody));
    }
    assertEquals(1, reads.get(), "only the start-up read reached the presence-service");
    bodies.forEach(b -> assertSame(first, b, "one encoding until the list changes"));

    assertEquals(
        Set.of("e1", "e2"),
        afterPart(feed, part(true, new JsonArray().add(entry("e1")).add(entry("e2")))));
    assertEquals(
        Set.of("e2"),
        afterPart(feed, part(false, new JsonArray()).put("ended", new JsonArray().add("e1"))),
        "an ended event leaves the list");
    assertEquals(1, reads.get());

    // Every instance silent past the limit (none running): unavailable, not an empty list.
    now.addAndGet(StreamParts.SILENT_MS + 10_000);
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    context.runOnContext(v -> feed.httpBody().onComplete(r -> failure.complete(r.cause())));
    assertTrue(failure.get(10, TimeUnit.SECONDS) != null, "no source: the request fails (503)");
  }

  @Test
  void beforeTheListIsCompleteRequestsShareOneRead() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    List<Promise<JsonObject>> pending = new ArrayList<>();
    AtomicLong now = new AtomicLong(1_000_000);
    ActiveStreamsFeed feed =
        new ActiveStreamsFeed(
            vertx,
            presence(
                reads,
                () -> {
                  Promise<JsonObject> read = Promise.promise();
                  pending.add(read);
                  return read.future();
                }),
            now::get);
    on(feed::start);
    assertEquals(1, reads.get(), "the start-up read, still running");

    // A burst of requests while the list is not complete: one read serves them all.
    List<Future<Buffer>> answers = new ArrayList<>();
    on(
        () -> {
          for (int i = 0; i < 200; i++) {
            answers.add(feed.httpBody());
          }
          return Future.succeededFuture();
        });
    assertEquals(2, reads.get(), "one read for 200 requests");
    on(
        () -> {
          pending.get(1).complete(list(entry("e9")));
          return Future.succeededFuture();
        });
    for (Future<Buffer> answer : answers) {
      assertEquals(Set.of("e9"), ids(answer.toCompletionStage().toCompletableFuture().get()));
    }

    // The next request after it finished reads again (the list is still not complete).
    on(
        () -> {
          feed.httpBody();
          return Future.succeededFuture();
        });
    assertEquals(3, reads.get());
  }
}
