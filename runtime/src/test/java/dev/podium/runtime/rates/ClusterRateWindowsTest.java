package dev.podium.runtime.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.ClusterBootstrap;
import dev.podium.runtime.ClusterReach;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two cluster members, each with its own {@link ClusterRateWindows} on the same map, as two
 * chat-service instances have: one sender's slots taken alternately through both add up to one
 * window, not one per member.
 */
class ClusterRateWindowsTest {
  private static final String MAP = "podium.test.rates";
  private static final List<Vertx> NODES = new ArrayList<>();
  private static final List<ClusterRateWindows> WINDOWS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    String name = "rates-" + UUID.randomUUID();
    int portA = freePort();
    int portB = freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    for (int port : new int[] {portA, portB}) {
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
                              members))))
              .toCompletionStage()
              .toCompletableFuture()
              .get(90, TimeUnit.SECONDS);
      NODES.add(vertx);
    }
    long deadline = System.currentTimeMillis() + 60_000;
    while (ClusterReach.hazelcast(NODES.get(0)).orElseThrow().getCluster().getMembers().size()
        < 2) {
      assertTrue(System.currentTimeMillis() < deadline, "the two members did not meet");
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    for (Vertx vertx : NODES) {
      WINDOWS.add(
          new ClusterRateWindows(vertx, ClusterReach.hazelcast(vertx).orElseThrow(), MAP, 5));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (Vertx vertx : NODES) {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean take(int member, String key) throws Exception {
    return WINDOWS
        .get(member)
        .tryAcquire(key)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneSendersSlotsTakenThroughBothMembersAddUpToOneWindow() throws Exception {
    String key = "sender-" + UUID.randomUUID();
    long started = System.currentTimeMillis();
    int accepted = 0;
    for (int i = 0; i < 20; i++) {
      accepted += take(i % 2, key) ? 1 : 0;
    }
    long elapsed = System.currentTimeMillis() - started;
    // Per-member windows would accept 10; a slow run may see a second window open.
    assertTrue(
        accepted >= 5 && accepted <= 5 * (1 + elapsed / 1000),
        accepted + " accepted through two members in " + elapsed + " ms");
    if (elapsed < 1000) {
      assertEquals(5, accepted);
    }
    assertTrue(take(0, "another-" + UUID.randomUUID()), "another sender has a window of its own");
  }

  @Test
  void anEndedEventsWindowsAreDroppedOnEveryMemberAndNoOtherEvents() throws Exception {
    String ended = "9:ended-" + UUID.randomUUID().toString().substring(0, 3) + "/";
    String other = "9:other-" + UUID.randomUUID().toString().substring(0, 3) + "/";
    for (int i = 0; i < 20; i++) {
      WINDOWS
          .get(i % 2)
          .tryAcquire(ended + "u" + i)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    WINDOWS
        .get(0)
        .tryAcquire(other + "u")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    var map = ClusterReach.hazelcast(NODES.get(0)).orElseThrow().<String, long[]>getMap(MAP);
    WINDOWS
        .get(1)
        .forgetPrefix(ended)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertTrue(
        map.keySet().stream().noneMatch(k -> k.startsWith(ended)),
        "the ended event's windows are gone");
    assertTrue(map.containsKey(other + "u"), "another event's window stays");
    assertTrue(
        WINDOWS.get(0).forgetPrefix("9:x%/").failed(), "a LIKE wildcard in the prefix is refused");
  }

  @Test
  void theMapKeepsNoBackupAndForgetsIdleSenders() {
    var config = ClusterReach.hazelcast(NODES.get(1)).orElseThrow().getConfig().getMapConfig(MAP);
    assertEquals(0, config.getBackupCount());
    assertEquals(ClusterRateWindows.MAX_IDLE_SECONDS, config.getMaxIdleSeconds());
  }

  @Test
  void concurrentSlotsFromBothMembersNeverOverfill() throws Exception {
    String key = "burst-" + UUID.randomUUID();
    long started = System.currentTimeMillis();
    List<Future<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(WINDOWS.get(i % 2).tryAcquire(key));
    }
    Future.all(all).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    long elapsed = System.currentTimeMillis() - started;
    long accepted = all.stream().filter(Future::result).count();
    assertTrue(
        accepted >= 5 && accepted <= 5 * (1 + elapsed / 1000),
        accepted + " accepted of 40 sent at once through two members in " + elapsed + " ms");
  }
}
