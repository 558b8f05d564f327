package dev.podium.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.podium.runtime.ClusterBootstrap;
import dev.podium.runtime.ClusterReach;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
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
 * Two real members started as every Podium process starts ({@link ClusterBootstrap}): each answers
 * on its reach address with its node id, so a node can open its way to another before real traffic
 * needs it.
 */
class BusReachTest {
  private static final List<Vertx> NODES = new ArrayList<>();
  private static String name;
  private static String members;

  @BeforeAll
  static void start() throws Exception {
    name = "reach-" + UUID.randomUUID();
    int first = freePort();
    int second = freePort();
    members = "127.0.0.1:" + first + ",127.0.0.1:" + second;
    NODES.add(member(first));
    NODES.add(member(second));
  }

  @AfterAll
  static void stop() throws Exception {
    for (Vertx vertx : NODES) {
      get(vertx.close());
    }
  }

  @Test
  void eachNodeAnswersOnItsReachAddressWithItsId() throws Exception {
    String secondId = ClusterReach.clusterManager(NODES.get(1)).getNodeId();
    String firstId = ClusterReach.clusterManager(NODES.get(0)).getNodeId();
    assertEquals(secondId, ask(NODES.get(0), secondId, firstId));
    assertEquals(firstId, ask(NODES.get(1), firstId, secondId));
  }

  /**
   * Asks a node's reach address until it answers (its registration may take a moment to be seen
   * cluster-wide after a start), for at most 20 s.
   */
  private static Object ask(Vertx from, String node, String self) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      try {
        return get(from.eventBus()
                .request(
                    BusReach.PREFIX + node,
                    self,
                    new DeliveryOptions().setSendTimeout(BusReach.ASK_TIMEOUT_MS)))
            .body();
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  private static Vertx member(int port) throws Exception {
    return get(
        ClusterBootstrap.start(
            ClusterSettings.from(
                Settings.of(
                    Map.of(
                        "PODIUM_CLUSTER_NAME", name,
                        "PODIUM_CLUSTER_PORT", String.valueOf(port),
                        "PODIUM_CLUSTER_MEMBERS", members)))));
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
