package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.ClusterBootstrap;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real Hazelcast members with {@code PODIUM_CLUSTER_EXPECTED_MEMBERS=2}: a member alone is a
 * minority, owns nothing and cannot write a fenced record; once the second member is there it owns
 * its share and writes.
 */
class ClusterMajorityTest {
  private final List<Vertx> nodes = new ArrayList<>();
  private final String name = "majority-" + UUID.randomUUID();

  @AfterEach
  void close() throws Exception {
    for (Vertx node : nodes) {
      node.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void majorityIsMoreThanHalfOfTheExpectedMembers() {
    assertEquals(1, ClusterMajority.of(1));
    assertEquals(2, ClusterMajority.of(2));
    assertEquals(2, ClusterMajority.of(3));
    assertEquals(5, ClusterMajority.of(8));
  }

  @Test
  void aMemberInAMinorityOwnsNothingAndItsWritesAreFenced() throws Exception {
    int portA = freePort();
    int portB = freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    Vertx a = start(portA, members);
    ServiceOwnership ownerA = new ServiceOwnership(a, "majority-test", Duration.ofSeconds(2));
    java.util.concurrent.CompletableFuture<Void> aOwnsItsShare =
        new java.util.concurrent.CompletableFuture<>();
    await(
        ownerA.start(
            ring -> {
              if (ring.members().size() == 2 && ring.contains(ownerA.instanceId())) {
                aOwnsItsShare.complete(null);
              }
            }));
    assertFalse(
        ownerA.ring().contains(ownerA.instanceId()),
        "alone of 2 expected: no majority, owns nothing");
    assertEquals(
        -1,
        ownerA.stint(),
        "no write counts in a minority: one completing there is not confirmed either");
    FencedStore storeA = new FencedStore(a, "podium.rooms", ownerA.instanceId(), ownerA::stint);
    Throwable refused = failure(storeA.create("e1", new JsonObject().put("v", 1)));
    assertInstanceOf(FencedStore.Fenced.class, refused, String.valueOf(refused));

    Vertx b = start(portB, members);
    ServiceOwnership ownerB = new ServiceOwnership(b, "majority-test", Duration.ofSeconds(2));
    await(ownerB.start(ring -> {}));
    // The ring listener is told of every change: wait for the one where A, now in a majority, owns
    // its share.
    aOwnsItsShare.get(20, TimeUnit.SECONDS);
    assertTrue(ownerA.stint() >= 0, "in a majority, A's writes count");
    FencedStore.Lease lease = await(storeA.create("e1", new JsonObject().put("v", 1)));
    assertEquals(1, lease.epoch());

    // The compare-and-sets run as entry processors on whichever member holds the record: B takes
    // it over from its own member, A's next write is refused, and both read B's record.
    FencedStore storeB = new FencedStore(b, "podium.rooms", ownerB.instanceId(), ownerB::stint);
    // B has heard of the record A made before it watched (its first read) and of those made after
    // (the map's events), without asking the cluster when it needs them.
    await(storeB.watchKeys());
    assertEquals(java.util.Set.of("e1"), storeB.knownKeys(), "read when the watch started");
    await(storeA.create("e2", new JsonObject().put("v", 1)));
    waitFor(() -> storeB.knownKeys().contains("e2"), "an added record is heard of");
    assertInstanceOf(
        FencedStore.Fenced.class,
        failure(storeB.create("e1", new JsonObject().put("v", 9))),
        "a second create of the same record is refused");
    FencedStore.Lease taken = await(storeB.claim("e1"));
    assertEquals(2, taken.epoch());
    await(storeB.write(taken, new JsonObject().put("v", 2)));
    assertInstanceOf(
        FencedStore.Fenced.class,
        failure(storeA.write(lease, new JsonObject().put("v", 3))),
        "the old owner's write after the takeover");
    assertInstanceOf(FencedStore.Fenced.class, failure(storeA.remove(lease)));
    assertEquals(2, await(storeA.get("e1")).getInteger("v"));
    await(storeB.remove(taken));
    assertNull(await(storeA.get("e1")), "removed by its owner");
    waitFor(() -> storeB.knownKeys().equals(java.util.Set.of("e2")), "a removal is heard of");
    await(storeB.unwatchKeys());
    assertEquals(java.util.Set.of(), storeB.knownKeys(), "no longer watched");
    await(ownerB.stop());
    await(ownerA.stop());
  }

  private Vertx start(int port, String members) throws Exception {
    ClusterSettings settings =
        ClusterSettings.from(
            Settings.of(
                Map.of(
                    "PODIUM_CLUSTER_NAME",
                    name,
                    "PODIUM_CLUSTER_PORT",
                    String.valueOf(port),
                    "PODIUM_CLUSTER_MEMBERS",
                    members,
                    "PODIUM_CLUSTER_EXPECTED_MEMBERS",
                    "2")));
    Vertx vertx =
        ClusterBootstrap.start(settings)
            .toCompletionStage()
            .toCompletableFuture()
            .get(90, TimeUnit.SECONDS);
    nodes.add(vertx);
    return vertx;
  }

  /**
   * Waits (at most 10 s) until the condition holds, checking every 20 ms. Used for the kept keys,
   * which Hazelcast's event threads fill and which tell no one when they change: there is no event
   * of LiveKeys' own to wait on, and a listener of the test's on the same map may be called first.
   */
  private static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(20);
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    return f.transform(ar -> Future.succeededFuture(ar.cause()))
        .toCompletionStage()
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
