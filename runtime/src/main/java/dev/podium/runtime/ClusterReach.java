package dev.podium.runtime;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Optional;

/**
 * Podium's only reach into Vert.x internals for the cluster: Vert.x 5 has no public way from a
 * {@code Vertx} to its cluster manager (and so to the Hazelcast instance behind it), which the
 * services need for the cluster engine's own structures (maps with entry processors, ring buffers,
 * membership listeners) and {@code /health} for "is this process still a member". Each method
 * throws when Vert.x no longer looks the way it assumes, and {@code ClusterReachTest} runs them
 * against a local and a clustered Vert.x, so an upgrade that moves them fails the build, not
 * production.
 */
public final class ClusterReach {
  private ClusterReach() {}

  /** The cluster manager of a clustered Vert.x; null when {@code vertx} is not clustered. */
  public static ClusterManager clusterManager(Vertx vertx) {
    if (!vertx.isClustered()) {
      return null;
    }
    if (!(vertx instanceof VertxInternal internal)) {
      throw new IllegalStateException(
          "Vert.x "
              + vertx.getClass()
              + " is not a VertxInternal: Podium cannot reach "
              + "its cluster manager (see ClusterReach)");
    }
    ClusterManager manager = internal.clusterManager();
    if (manager == null) {
      throw new IllegalStateException(
          "a clustered Vert.x without a cluster manager (see ClusterReach)");
    }
    return manager;
  }

  /** True while {@code vertx} is clustered and its cluster manager is an active member. */
  public static boolean active(Vertx vertx) {
    ClusterManager manager = clusterManager(vertx);
    return manager != null && manager.isActive();
  }

  /**
   * The Hazelcast member of a clustered Vert.x; empty when not clustered; throws for another
   * cluster manager.
   */
  public static Optional<HazelcastInstance> hazelcast(Vertx vertx) {
    ClusterManager manager = clusterManager(vertx);
    if (manager == null) {
      return Optional.empty();
    }
    if (!(manager instanceof HazelcastClusterManager hazelcast)) {
      throw new IllegalStateException(
          "the cluster manager is "
              + manager.getClass().getName()
              + ", not Hazelcast: Podium's services need Hazelcast (see ClusterReach)");
    }
    return Optional.of(hazelcast.getHazelcastInstance());
  }
}
