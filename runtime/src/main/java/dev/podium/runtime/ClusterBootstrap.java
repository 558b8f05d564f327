package dev.podium.runtime;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import dev.podium.runtime.membership.BusReach;
import dev.podium.runtime.membership.ClusterWatch;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.ownership.ClusterMajority;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Vert.x instance that joins Podium's Hazelcast cluster. Hazelcast and the event bus
 * listen on the cluster address only; the event bus speaks mutual TLS when it is configured.
 */
public final class ClusterBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBootstrap.class);
  static final String BIND_ANY = "hazelcast.socket.bind.any";
  static final String LOCAL_ADDRESS = "hazelcast.local.localAddress";
  static final String MERGE_FIRST_RUN = "hazelcast.merge.first.run.delay.seconds";
  static final String MERGE_NEXT_RUN = "hazelcast.merge.next.run.delay.seconds";

  /**
   * Hazelcast's defaults (300 s, then every 120 s) leave processes that formed separate clusters
   * while starting together (a loaded machine, a Kubernetes rollout) apart for five minutes. The
   * search for another cluster is one connection attempt per seed address and port: cheap enough to
   * run every few seconds.
   */
  static final String MERGE_FIRST_RUN_SECONDS = "10";

  static final String MERGE_NEXT_RUN_SECONDS = "5";

  private ClusterBootstrap() {}

  public static Future<Vertx> start(ClusterSettings cluster) {
    VertxOptions options =
        new VertxOptions()
            .setWorkerPoolSize(cluster.workerThreads())
            .setMetricsOptions(
                new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    eventBus(options.getEventBusOptions(), cluster);
    PrometheusMeterRegistry registry = Observability.newRegistry();
    ClusterWatch watch = new ClusterWatch(cluster.expectedMembers(), registry);
    Config config = hazelcastConfig(cluster);
    // In the configuration, not added after the join: the watch sees the first membership too.
    config.addListenerConfig(new ListenerConfig(watch));
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager)
        .buildClustered()
        .onSuccess(
            vertx -> {
              Observability.bind(vertx, registry);
              watch.attach(vertx, manager.getHazelcastInstance());
              BusReach.start(vertx, manager, manager.getHazelcastInstance());
              logJoined(cluster, manager);
            });
  }

  /**
   * The event bus's server listens on the cluster address and announces it (Vert.x announces the
   * host when no public host is set); with TLS, peers must present a certificate from our CA,
   * whichever side opens the connection. Vert.x's event-bus client skips host name verification, so
   * the CA, not the address, is what makes a peer a Podium node.
   */
  static void eventBus(EventBusOptions bus, ClusterSettings cluster) {
    bus.setHost(cluster.host()).setPort(cluster.busPort());
    // A connection to a node across a network cut is not closed by TCP for minutes: what is
    // written to it waits for the next retransmission, whose back-off after a 20 s cut is seconds
    // long, so after the heal a room's mix or a stage broadcast sent on it arrived 3-5 s late (the
    // network-fault tests). Vert.x's own ping closes such a connection (the next message opens a
    // fresh one): every 2 s, answered within 5 s, where Vert.x waits 20 s and 20 s.
    bus.setClusterPingInterval(BUS_PING_MS).setClusterPingReplyInterval(BUS_PING_REPLY_MS);
    bus.setConnectTimeout(BUS_CONNECT_MS);
    EventBusTls tls = cluster.tls();
    if (tls != null) {
      bus.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.caPath()))
          .setClientAuth(ClientAuth.REQUIRED)
          // The event bus trusts every server by default: a node would then send to a member that
          // holds any certificate at all. Only our CA counts, in both directions.
          .setTrustAll(false);
    }
  }

  static final long BUS_PING_MS = 2_000;
  static final long BUS_PING_REPLY_MS = 5_000;

  /**
   * How long opening an event-bus connection may take. Vert.x's default is 60 s, and a connection
   * begun while the peer was cut off keeps resending its SYN with TCP's back-off (1, 2, 4, 8, 16 s)
   * while every message for that peer queues behind it, unpinged. Failing after 2 s drops what
   * queued (audio, like a lost packet) and the next message opens a fresh connection.
   */
  static final int BUS_CONNECT_MS = 2_000;

  static Config hazelcastConfig(ClusterSettings cluster) {
    System.setProperty("hazelcast.logging.type", "slf4j");
    String address = address(cluster.host());
    if (cluster.configFile() != null) {
      Config config;
      try {
        config = new com.hazelcast.config.FileSystemXmlConfig(cluster.configFile());
      } catch (java.io.FileNotFoundException e) {
        throw new Settings.InvalidSettingException(
            ClusterSettings.CONFIG, "names no readable file: " + cluster.configFile());
      }
      config.setClusterName(cluster.name());
      // The file decides discovery and ports, but Hazelcast's default of listening on every
      // interface is not Podium's: bind one address unless the file says otherwise.
      if (config.getProperty(BIND_ANY) == null) {
        config.setProperty(BIND_ANY, "false");
      }
      if (config.getProperty(LOCAL_ADDRESS) == null
          && !config.getNetworkConfig().getInterfaces().isEnabled()) {
        config.setProperty(LOCAL_ADDRESS, address);
      }
      // Nor are its merge delays: a split must heal in seconds unless the file says otherwise.
      if (config.getProperty(MERGE_FIRST_RUN) == null) {
        config.setProperty(MERGE_FIRST_RUN, MERGE_FIRST_RUN_SECONDS);
      }
      if (config.getProperty(MERGE_NEXT_RUN) == null) {
        config.setProperty(MERGE_NEXT_RUN, MERGE_NEXT_RUN_SECONDS);
      }
      ClusterMajority.protect(config, cluster.expectedMembers());
      return config;
    }
    Config config = new ClasspathXmlConfig("podium-cluster.xml");
    config.setClusterName(cluster.name());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    network.setPublicAddress(null);
    network.getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(address));
    // A standalone node looks for nobody: with no join method Hazelcast starts as a cluster of one.
    network
        .getJoin()
        .getTcpIpConfig()
        .setEnabled(!cluster.standalone())
        .setMembers(cluster.members());
    config.setProperty(LOCAL_ADDRESS, address);
    config.setProperty(BIND_ANY, "false");
    ClusterMajority.protect(config, cluster.expectedMembers());
    return config;
  }

  /** Hazelcast's interface settings want an IP address, not a name. */
  private static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new Settings.InvalidSettingException(
          ClusterSettings.HOST, "does not resolve: '" + host + "'");
    }
  }

  private static void logJoined(ClusterSettings cluster, HazelcastClusterManager manager) {
    var self = manager.getHazelcastInstance().getCluster().getLocalMember().getAddress();
    var bus = manager.getNodeInfo();
    String mode = cluster.tls() != null ? "mutual TLS" : "plain TCP";
    LOG.info(
        "{} cluster '{}': {} member(s){}; Hazelcast on {}:{}, event bus on {}:{} ({})",
        cluster.standalone() ? "standalone" : "joined",
        cluster.name(),
        manager.getNodes().size(),
        cluster.expectedMembers() > 0 ? " of " + cluster.expectedMembers() + " expected" : "",
        self.getHost(),
        self.getPort(),
        bus.host(),
        bus.port(),
        mode);
    if (cluster.tls() == null && !isLoopback(cluster.host())) {
      LOG.warn(
          "event bus runs in the clear on {} ({}=off): anyone who reaches it can act as a Podium service",
          cluster.host(),
          EventBusTls.MODE);
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
