package dev.podium.runtime;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import dev.podium.runtime.ops.Observability;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * Starts a Vert.x instance that joins Podium's Hazelcast cluster.
 */
public final class ClusterBootstrap {
  private ClusterBootstrap() {
  }

  public static Future<Vertx> start(ClusterSettings cluster) {
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    options.getEventBusOptions().setHost(cluster.host());
    PrometheusMeterRegistry registry = Observability.newRegistry();
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(cluster)))
        .buildClustered()
        .onSuccess(vertx -> Observability.bind(vertx, registry));
  }

  static Config hazelcastConfig(ClusterSettings cluster) {
    System.setProperty("hazelcast.logging.type", "slf4j");
    if (cluster.configFile() != null) {
      try {
        Config config = new com.hazelcast.config.FileSystemXmlConfig(cluster.configFile());
        config.setClusterName(cluster.name());
        return config;
      } catch (java.io.FileNotFoundException e) {
        throw new Settings.InvalidSettingException("PODIUM_CLUSTER_CONFIG", "names no readable file: " + cluster.configFile());
      }
    }
    Config config = new ClasspathXmlConfig("podium-cluster.xml");
    config.setClusterName(cluster.name());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    network.setPublicAddress(null);
    network.getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(cluster.host()));
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    return config;
  }
}
