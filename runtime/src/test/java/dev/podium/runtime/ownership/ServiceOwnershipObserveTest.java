package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.ClusterBootstrap;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An observer of a service's ring ({@link ServiceOwnership#observe}) sees the ring the service's
 * instances compute, changes with it, and is never part of it: what a gateway needs to send a
 * speaker's audio to the media relay that mixes the event.
 */
class ServiceOwnershipObserveTest {
  private static final Duration PAUSE = Duration.ofSeconds(2);

  /** Vert.x's default worker pool size, which the cluster bootstrap keeps. */
  private static final int WORKERS = io.vertx.core.VertxOptions.DEFAULT_WORKER_POOL_SIZE;

  private static final List<String> KEYS =
      java.util.stream.IntStream.range(0, 300).mapToObj(i -> "event-" + i).toList();

  private final List<Vertx> nodes = new ArrayList<>();
  private final List<ServiceOwnership> started = new ArrayList<>();

  /** Each started instance's ring reports, to wait on. */
  private final Map<ServiceOwnership, LinkedBlockingQueue<OwnerRing>> reports =
      new java.util.concurrent.ConcurrentHashMap<>();

  @AfterEach
  void close() throws Exception {
    for (ServiceOwnership o : started) {
      o.stop()
          .toCompletionStage()
          .toCompletableFuture()
          .handle((v, e) -> null)
          .get(10, TimeUnit.SECONDS);
    }
    for (Vertx node : nodes) {
      try {
        node.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // A node whose Hazelcast was terminated may not close cleanly; the next node still must.
      }
    }
  }

  @Test
  void anObserverInTheSameVertxSeesTheMembersRingAndOwnsNothing() throws Exception {
    Vertx vertx = Vertx.vertx();
    nodes.add(vertx);
    ServiceOwnership a = start(new ServiceOwnership(vertx, "relays", PAUSE));
    ServiceOwnership observer = start(ServiceOwnership.observe(vertx, "relays"));
    assertEquals(
        Set.of(a.instanceId()), observer.ring().members(), "the observer is not in the ring");

    ServiceOwnership b = start(new ServiceOwnership(vertx, "relays", PAUSE));
    awaitRing(observer, r -> r.members().size() == 2);
    assertSameOwners(observer, a, b);
    KEYS.forEach(k -> assertFalse(observer.owns(k), "an observer owns nothing"));

    b.stop();
    started.remove(b);
    awaitRing(observer, r -> r.members().equals(Set.of(a.instanceId())));
    KEYS.forEach(k -> assertEquals(a.instanceId(), observer.owner(k)));

    a.stop();
    started.remove(a);
    awaitRing(observer, r -> r.members().isEmpty());
    assertNull(observer.owner("event-1"), "no instance: no owner");
  }

  @Test
  void anObserverOnAnotherClusterMemberFollowsJoinsCleanStopsAndKilledMembers() throws Exception {
    int port = freePort();
    String name = "observe-" + UUID.randomUUID();
    Vertx nodeA = cluster(name, port);
    Vertx nodeB = cluster(name, port);
    Vertx gateway = cluster(name, port);
    ServiceOwnership observer = start(ServiceOwnership.observe(gateway, "relays"));
    assertTrue(observer.ring().members().isEmpty(), "no relay yet");

    ServiceOwnership a = start(new ServiceOwnership(nodeA, "relays", PAUSE));
    ServiceOwnership b = start(new ServiceOwnership(nodeB, "relays", PAUSE));
    awaitRing(observer, r -> r.members().equals(Set.of(a.instanceId(), b.instanceId())));
    awaitRing(a, r -> r.equals(observer.ring()));
    awaitRing(b, r -> r.equals(observer.ring()));
    assertSameOwners(observer, a, b);
    long ofA = KEYS.stream().filter(a::owns).count();
    assertTrue(
        ofA > 100 && ofA < 200,
        "each relay takes a fair share: A owns " + ofA + " of " + KEYS.size());
    KEYS.forEach(k -> assertTrue(a.owns(k) ^ b.owns(k), k + " has exactly one owner"));
    assertEquals(
        2, registry(gateway).size(), "the observer did not register: " + registry(gateway));

    // Killed (no goodbye): Hazelcast drops B's member and the observer moves B's keys, and only
    // them.
    Map<String, String> before = owners(observer);
    hazelcast(nodeB).getLifecycleService().terminate();
    awaitRing(observer, r -> r.members().equals(Set.of(a.instanceId())));
    for (String key : KEYS) {
      assertEquals(a.instanceId(), observer.owner(key), "the survivor owns " + key);
      if (before.get(key).equals(a.instanceId())) {
        assertTrue(a.owns(key), key + " stayed with the healthy instance");
      }
    }

    // A newcomer takes a share; a clean stop hands it back at once.
    Vertx nodeC = cluster(name, port);
    ServiceOwnership c = start(new ServiceOwnership(nodeC, "relays", PAUSE));
    awaitRing(observer, r -> r.members().equals(Set.of(a.instanceId(), c.instanceId())));
    long ofC = KEYS.stream().filter(k -> c.instanceId().equals(observer.owner(k))).count();
    assertTrue(ofC > 100 && ofC < 200, "the newcomer takes a fair share: " + ofC);
    long stoppedAt = System.nanoTime();
    c.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    started.remove(c);
    awaitRing(observer, r -> r.members().equals(Set.of(a.instanceId())));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
    assertTrue(
        millis < 1_000,
        "a clean stop reaches the observer without failure detection: " + millis + " ms");
  }

  /**
   * Right after members die, the worker threads are busy with the event bus's own lookups (which
   * wait for the dead members' partitions to move): the ring must follow Hazelcast's member list
   * without them. A ring read from the registry map on a worker thread waited here until the
   * workers were free (the ownership drill: 8 s between Hazelcast dropping two killed members and
   * the survivors' new ring).
   */
  @Test
  void theRingFollowsAKilledMemberWhileEveryWorkerThreadIsBusy() throws Exception {
    int port = freePort();
    String name = "observe-busy-" + UUID.randomUUID();
    Vertx nodeA = cluster(name, port);
    Vertx nodeB = cluster(name, port);
    ServiceOwnership a = start(new ServiceOwnership(nodeA, "relays", PAUSE));
    ServiceOwnership b = start(new ServiceOwnership(nodeB, "relays", PAUSE));
    awaitRing(a, r -> r.members().equals(Set.of(a.instanceId(), b.instanceId())));

    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(WORKERS);
    for (int i = 0; i < WORKERS; i++) {
      nodeA.executeBlocking(
          () -> {
            busy.countDown();
            return release.await(60, TimeUnit.SECONDS);
          },
          false);
    }
    try {
      assertTrue(busy.await(10, TimeUnit.SECONDS), "every worker thread of node A is taken");
      hazelcast(nodeB).getLifecycleService().terminate();
      awaitRing(a, r -> r.members().equals(Set.of(a.instanceId())));
      KEYS.forEach(k -> assertTrue(a.owns(k), "the survivor owns " + k));
    } finally {
      release.countDown();
    }
  }

  private ServiceOwnership start(ServiceOwnership ownership) throws Exception {
    LinkedBlockingQueue<OwnerRing> changes = new LinkedBlockingQueue<>();
    reports.put(ownership, changes);
    ownership
        .start(changes::add)
        .toCompletionStage()
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    started.add(ownership);
    return ownership;
  }

  /**
   * Waits (at most 20 s) until the instance's current ring is as wanted, waking on each ring it
   * reports.
   */
  private void awaitRing(ServiceOwnership o, Predicate<OwnerRing> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!wanted.test(o.ring())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("the ring did not become as wanted within 20 s: " + o.ring());
      }
      reports.get(o).poll(left, TimeUnit.NANOSECONDS);
    }
  }

  private static void assertSameOwners(ServiceOwnership observer, ServiceOwnership... members) {
    for (String key : KEYS) {
      for (ServiceOwnership m : members) {
        assertEquals(m.owner(key), observer.owner(key), "owner of " + key);
      }
    }
  }

  private static Map<String, String> owners(ServiceOwnership o) {
    Map<String, String> owners = new HashMap<>();
    KEYS.forEach(k -> owners.put(k, o.owner(k)));
    return owners;
  }

  private Vertx cluster(String name, int port) throws Exception {
    Vertx vertx =
        ClusterBootstrap.start(
                ClusterSettings.from(
                    Settings.of(
                        Map.of(
                            "PODIUM_CLUSTER_NAME",
                            name,
                            "PODIUM_CLUSTER_PORT",
                            String.valueOf(port),
                            "PODIUM_CLUSTER_MEMBERS",
                            "127.0.0.1:" + port))))
            .toCompletionStage()
            .toCompletableFuture()
            .get(90, TimeUnit.SECONDS);
    nodes.add(vertx);
    return vertx;
  }

  private static com.hazelcast.core.HazelcastInstance hazelcast(Vertx vertx) {
    return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager())
        .getHazelcastInstance();
  }

  private static Map<String, String> registry(Vertx vertx) throws Exception {
    return vertx
        .executeBlocking(
            () -> Map.copyOf(hazelcast(vertx).<String, String>getMap("podium.members.relays")))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
