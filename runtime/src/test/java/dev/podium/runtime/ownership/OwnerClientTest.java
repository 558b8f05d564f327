package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client of an owning service sends each call about an event to its owner's own address, and the
 * rest (and everything while no instance owns events) to the shared address.
 */
class OwnerClientTest {
  /** A service with one call about an event and one that is not. */
  interface Svc {
    Future<String> act(String eventId);

    Future<String> list();
  }

  private static final List<String> KEYS =
      IntStream.range(0, 200).mapToObj(i -> "event-" + i).toList();

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Answers with who it is: "shared", or the instance id whose address the call went to. */
  private static Svc answering(String who) {
    return new Svc() {
      @Override
      public Future<String> act(String eventId) {
        return Future.succeededFuture(who);
      }

      @Override
      public Future<String> list() {
        return Future.succeededFuture(who);
      }
    };
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void callsAboutAnEventGoStraightToItsOwnerAndTheRestToTheSharedAddress() throws Exception {
    ServiceOwnership a = new ServiceOwnership(vertx, "svc", Duration.ofSeconds(2));
    ServiceOwnership b = new ServiceOwnership(vertx, "svc", Duration.ofSeconds(2));
    await(a.start(r -> {}));
    await(b.start(r -> {}));
    OwnerClient<Svc> client =
        new OwnerClient<>(
            vertx, Svc.class, "svc", answering("shared"), OwnerClientTest::answering, Set.of());
    await(client.start());

    int toA = 0;
    for (String key : KEYS) {
      String owner = a.owner(key);
      assertEquals(owner, await(client.client().act(key)), key + " went to its owner");
      toA += owner.equals(a.instanceId()) ? 1 : 0;
    }
    assertTrue(toA > 50 && toA < 150, "both instances own events: " + toA + " of " + KEYS.size());
    assertEquals("shared", await(client.client().list()), "a call about no event");

    // No instance left: the shared address answers (the event bus says nobody is there).
    await(a.stop());
    await(b.stop());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!"shared".equals(await(client.client().act("event-1")))) {
      assertTrue(System.nanoTime() < deadline, "the client's ring never emptied");
      await(Future.future(p -> vertx.setTimer(20, t -> p.complete())));
    }
    await(client.stop());
  }
}
