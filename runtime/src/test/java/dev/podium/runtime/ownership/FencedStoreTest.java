package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances over one map: the one that took the record over last is the only one that can
 * change it.
 */
class FencedStoreTest {
  private Vertx vertx;

  /** The old owner's stint awake (-1: paused); the test moves it as a pause would. */
  private final AtomicLong oldStint = new AtomicLong(0);

  private FencedStore old;
  private FencedStore next;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    old = new FencedStore(vertx, "fenced-test", "old", oldStint::get);
    next = new FencedStore(vertx, "fenced-test", "next", () -> 0);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    return f.transform(ar -> Future.succeededFuture(ar.cause()))
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aStaleOwnerCannotWriteOrRemoveAfterATakeover() throws Exception {
    FencedStore.Lease mine = await(old.create("e1", new JsonObject().put("v", 1)));
    await(old.write(mine, new JsonObject().put("v", 2)));
    FencedStore.Lease taken = await(next.claim("e1"));
    assertEquals(2, taken.epoch());
    assertEquals(2, taken.data().getInteger("v"), "the new owner starts from the last write");
    assertInstanceOf(
        FencedStore.Fenced.class, failure(old.write(mine, new JsonObject().put("v", 99))));
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
    oldStint.set(-1);
    assertInstanceOf(
        FencedStore.Fenced.class, failure(old.write(mine, new JsonObject().put("v", 1))));
    assertInstanceOf(FencedStore.Fenced.class, failure(old.claim("e2")));
    assertTrue(await(next.get("e2")).isEmpty());
  }

  /**
   * A member that stood still past its takeover wakes with its own stale copy of the map, where its
   * compare-and-set still succeeds (seen in the SIGSTOP step of OwnershipScaleOutTest). Here "old"
   * writes to such a copy (its own map); the process stands still after the store asked whether it
   * was awake and before the answer came back. The map takes the write, but the write must not
   * count: the caller would announce it.
   */
  @Test
  void aWriteTheProcessStoodStillDuringDoesNotCountEvenWhereTheMapTookIt() throws Exception {
    AtomicLong stint = new AtomicLong(0);
    java.util.concurrent.atomic.AtomicInteger asks =
        new java.util.concurrent.atomic.AtomicInteger();
    // Every second ask is the one after a write: the process froze (and the watch noticed) in
    // between.
    FencedStore stale =
        new FencedStore(
            vertx,
            "stale-copy",
            "old",
            () -> asks.incrementAndGet() % 2 == 0 ? stint.incrementAndGet() : stint.get());
    FencedStore honest = new FencedStore(vertx, "stale-copy", "old", stint::get);
    FencedStore.Lease mine = await(honest.create("e3", new JsonObject().put("v", 1)));

    assertInstanceOf(
        FencedStore.Fenced.class, failure(stale.write(mine, new JsonObject().put("v", 2))));
    assertEquals(
        2,
        await(honest.get("e3")).getInteger("v"),
        "the stale copy took the write (this is the danger)");
    assertInstanceOf(FencedStore.Fenced.class, failure(stale.claim("e3")), "nor does a claim");
    assertInstanceOf(
        FencedStore.Fenced.class,
        failure(stale.remove(await(honest.claim("e3")))),
        "nor a removal");
    assertNull(await(honest.get("e3")), "the copy took the removal too");
  }

  @Test
  void aWriteWithinOneStintCounts() throws Exception {
    FencedStore.Lease mine = await(old.create("e4", new JsonObject()));
    oldStint.set(
        3); // a pause earlier, long over: a new stint, and nothing was on its way during it
    await(old.write(mine, new JsonObject().put("v", 1)));
    assertEquals(1, await(next.get("e4")).getInteger("v"));
  }
}
