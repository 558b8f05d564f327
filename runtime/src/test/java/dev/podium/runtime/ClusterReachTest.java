package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fails loudly when a Vert.x upgrade moves what {@link ClusterReach} reaches: a local Vert.x has no
 * cluster manager, a clustered one's is the Hazelcast member the services use, active until closed.
 */
class ClusterReachTest {

  @Test
  void aLocalVertxHasNoClusterManager() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertNull(ClusterReach.clusterManager(vertx));
      assertFalse(ClusterReach.active(vertx));
      assertTrue(ClusterReach.hazelcast(vertx).isEmpty());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClusteredVertxReachesItsHazelcastMember() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Vertx vertx =
        ClusterBootstrap.start(
                ClusterSettings.from(
                    Settings.of(
                        Map.of(
                            "PODIUM_CLUSTER_NAME",
                            "reach-" + UUID.randomUUID(),
                            "PODIUM_CLUSTER_PORT",
                            String.valueOf(port),
                            "PODIUM_CLUSTER_MEMBERS",
                            "127.0.0.1:" + port))))
            .toCompletionStage()
            .toCompletableFuture()
            .get(90, TimeUnit.SECONDS);
    HazelcastInstance hazelcast;
    try {
      HazelcastClusterManager manager =
          assertInstanceOf(HazelcastClusterManager.class, ClusterReach.clusterManager(vertx));
      assertTrue(ClusterReach.active(vertx));
      hazelcast = ClusterReach.hazelcast(vertx).orElseThrow();
      assertSame(manager.getHazelcastInstance(), hazelcast);
      assertEquals(1, hazelcast.getCluster().getMembers().size());
      // A structure made through it is the cluster's: the services build theirs this way.
      hazelcast.getMap("reach-test").put("k", "v");
      assertEquals("v", manager.getHazelcastInstance().getMap("reach-test").get("k"));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    assertFalse(hazelcast.getLifecycleService().isRunning(), "closing Vert.x leaves the cluster");
  }
}
