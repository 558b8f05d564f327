package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two instances over one map: the one that took the record over last is the only one that can change it. */
class FencedStoreTest {
  private Vertx vertx;
  private final AtomicBoolean oldAwake = new AtomicBoolean(true);
  private FencedStore old;
  private FencedStore next;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    old = new FencedStore(vertx, "fenced-test", "old", oldAwake::get);
    next = new FencedStore(vertx, "fenced-test", "next", () -> true);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    return f.transform(ar -> Future.succeededFuture(ar.cause())).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aStaleOwnerCannotWriteOrRemoveAfterATakeover() throws Exception {
    FencedStore.Lease mine = await(old.create("e1", new JsonObject().put("v", 1)));
    await(old.write(mine, new JsonObject().put("v", 2)));
    FencedStore.Lease taken = await(next.claim("e1"));
    assertEquals(2, taken.epoch());
    assertEquals(2, taken.data().getInteger("v"), "the new owner starts from the last write");
    assertInstanceOf(FencedStore.Fenced.class, failure(old.write(mine, new JsonObject().put("v", 99))));
    assertInstanceOf(FencedStore.Fenced.class, failure(old.remove(mine)));
    assertEquals(2, await(next.get("e1")).getInteger("v"), "the stale write is not visible");
    await(next.write(taken, new JsonObject().put("v", 3)));
    await(next.remove(taken));
    assertNull(await(next.get("e1")));
    assertNull(await(next.claim("e1")), "an ended record cannot be claimed");
  }

  @Test
  void creatingAnExistingRecordFailsAndAPausedInstanceWritesNothing() throws Exception {
    FencedStore.Lease mine = await(old.create("e2", new JsonObject()));
    assertInstanceOf(FencedStore.Fenced.class, failure(next.create("e2", new JsonObject())));
    oldAwake.set(false);
    assertInstanceOf(FencedStore.Fenced.class, failure(old.write(mine, new JsonObject().put("v", 1))));
    assertInstanceOf(FencedStore.Fenced.class, failure(old.claim("e2")));
    assertTrue(await(next.get("e2")).isEmpty());
  }
}
