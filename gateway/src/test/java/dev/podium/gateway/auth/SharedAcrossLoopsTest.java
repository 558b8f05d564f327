package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key cache and the user directory are shared by every event loop of a gateway: a caller on one
 * loop that asks while another loop's fetch is in flight joins it (the provider and the directory
 * are asked once), and each caller hears the answer on its own loop, where its socket lives.
 */
class SharedAcrossLoopsTest {
  private static final TestKeys RSA_A = TestKeys.rsa("a");

  private Vertx vertx;
  private Context loopA;
  private Context loopB;
  private Thread threadA;
  private Thread threadB;

  /** What a caller heard and on which thread. */
  private record Heard<T>(T value, Thread thread) {}

  @BeforeEach
  void twoLoops() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(3));
    // Two verticle instances get two event loops, as the gateway's loops do.
    java.util.List<Context> loops = new java.util.concurrent.CopyOnWriteArrayList<>();
    get(
        vertx
            .deployVerticle(
                () ->
                    new io.vertx.core.VerticleBase() {
                      @Override
                      public Future<?> start() {
                        loops.add(context);
                        return Future.succeededFuture();
                      }
                    },
                new io.vertx.core.DeploymentOptions().setInstances(2))
            .toCompletionStage()
            .toCompletableFuture());
    loopA = loops.get(0);
    loopB = loops.get(1);
    threadA = threadOf(loopA);
    threadB = threadOf(loopB);
    assertNotEquals(threadA, threadB, "the test needs two different event-loop threads");
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Thread threadOf(Context context) throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    context.runOnContext(v -> thread.complete(Thread.currentThread()));
    return thread.get(10, TimeUnit.SECONDS);
  }

  /**
   * Starts {@code call} on {@code context}; the outcome says on which thread the caller heard it.
   */
  private static <T> CompletableFuture<Heard<T>> ask(Context context, Supplier<Future<T>> call) {
    CompletableFuture<Heard<T>> heard = new CompletableFuture<>();
    context.runOnContext(
        v ->
            call.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        heard.complete(new Heard<>(ar.result(), Thread.currentThread()));
                      } else {
                        heard.completeExceptionally(ar.cause());
                      }
                    }));
    return heard;
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void twoLoopsShareOneJwksFetchAndEachHearsOnItsOwnLoop() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    Promise<Buffer> answer = Promise.promise();
    CompletableFuture<Void> fetching = new CompletableFuture<>();
    JwksKeys keys =
        new JwksKeys(
            () -> {
              fetches.incrementAndGet();
              fetching.complete(null);
              return answer.future();
            },
            System::currentTimeMillis,
            Duration.ofMinutes(10),
            Duration.ofSeconds(30));

    CompletableFuture<Heard<PublicKey>> onA = ask(loopA, () -> keys.key("a", JwsAlgorithm.RS256));
    get(fetching);
    CompletableFuture<Heard<PublicKey>> onB = ask(loopB, () -> keys.key("a", JwsAlgorithm.RS256));
    // The provider answers on loop A, where the fetch began.
    loopA.runOnContext(v -> answer.complete(Buffer.buffer(TestKeys.jwks(RSA_A).encode())));

    assertEquals(RSA_A.pair.getPublic(), get(onA).value());
    assertEquals(RSA_A.pair.getPublic(), get(onB).value());
    assertEquals(threadA, get(onA).thread(), "loop A hears on loop A");
    assertEquals(
        threadB, get(onB).thread(), "loop B hears on loop B, not on the loop that fetched");
    assertEquals(1, fetches.get(), "one fetch for both loops");
    // Cached for every loop now.
    assertEquals(threadB, get(ask(loopB, () -> keys.key("a", JwsAlgorithm.RS256))).thread());
    assertEquals(1, fetches.get());
  }

  @Test
  void twoLoopsShareOneDirectoryLookupAndItsCachedAnswer() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    CompletableFuture<HttpServerRequest> held = new CompletableFuture<>();
    int port =
        get(vertx
                .createHttpServer()
                .requestHandler(
                    request -> {
                      requests.incrementAndGet();
                      held.complete(request);
                    })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture())
            .actualPort();
    UserDirectory directory =
        get(ask(
                loopA,
                () ->
                    Future.succeededFuture(
                        new UserDirectory(
                            vertx, "http://127.0.0.1:" + port + "/users", Duration.ofMinutes(1)))))
            .value();
    Identity host = new Identity("u1", "u1", true);

    CompletableFuture<Heard<Identity>> onA = ask(loopA, () -> directory.confirm(host));
    HttpServerRequest request = get(held);
    CompletableFuture<Heard<Identity>> onB = ask(loopB, () -> directory.confirm(host));
    request.response().end(new JsonObject().put("username", "Dora").encode());

    assertEquals("Dora", get(onA).value().username());
    assertEquals("Dora", get(onB).value().username());
    assertEquals(threadA, get(onA).thread());
    assertEquals(threadB, get(onB).thread());
    assertEquals(1, requests.get(), "one lookup for both loops");
    // The answer is cached for every loop.
    assertEquals("Dora", get(ask(loopB, () -> directory.confirm(host))).value().username());
    assertEquals(1, requests.get());
  }
}
