package dev.podium.runtime;

import dev.podium.runtime.ops.OpsRoutes;
import dev.podium.runtime.ops.OpsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of every Podium jar: read settings, join the cluster, deploy, and close the
 * Vert.x instance (leaving the cluster cleanly) on SIGTERM.
 */
public final class ServiceLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

  /**
   * Deploys a process's verticles on the clustered instance; the Future completes when they run.
   */
  @FunctionalInterface
  public interface Deployment {
    Future<?> deploy(Vertx vertx);

    /** The services this process needs to be ready. */
    default java.util.List<dev.podium.api.ReadinessProbes.Probe> needs() {
      return java.util.List.of();
    }

    /** This deployment, ready only when these services answer. */
    default Deployment needing(java.util.List<dev.podium.api.ReadinessProbes.Probe> services) {
      Deployment self = this;
      return new Deployment() {
        @Override
        public Future<?> deploy(Vertx vertx) {
          return self.deploy(vertx);
        }

        @Override
        public java.util.List<dev.podium.api.ReadinessProbes.Probe> needs() {
          return services;
        }
      };
    }
  }

  /**
   * Reads the process's typed configuration from the settings and returns its deployment. Runs
   * before the cluster is joined, so a bad setting fails start-up at once with a clear message.
   */
  @FunctionalInterface
  public interface Plan {
    Deployment prepare(Settings settings);
  }

  private ServiceLauncher() {}

  /**
   * Runs a process with its operations endpoints on {@code PODIUM_OPS_PORT} (default 9100, 0 =
   * none) bound to {@code PODIUM_OPS_HOST} (default 127.0.0.1): see {@link OpsSettings}.
   */
  public static void launch(String processName, Plan plan) {
    launch(processName, plan, ClusterSettings::from);
  }

  /**
   * @param clustering how this process reads its cluster settings ({@link ClusterSettings#from} for
   *     a service, {@link ClusterSettings#standaloneByDefault} for the all-in-one)
   */
  public static void launch(
      String processName,
      Plan plan,
      java.util.function.Function<Settings, ClusterSettings> clustering) {
    // First: the JDK sizes its common pool once, when something first uses it.
    CommonPoolSize.ensure().ifPresent(warning -> LOG.warn("{}", warning));
    AotCacheCheck.Verdict aot = AotCacheCheck.ofThisProcess();
    if (aot.kind() == AotCacheCheck.Kind.REFUSE) {
      System.err.println("podium: " + aot.message());
      System.exit(2);
      return;
    }
    if (aot.kind() == AotCacheCheck.Kind.WARN) {
      LOG.warn("{}", aot.message());
    } else if (aot.kind() == AotCacheCheck.Kind.FITS) {
      LOG.info("{}", aot.message());
    }
    ClusterSettings cluster;
    Deployment deployment;
    OpsSettings ops;
    try {
      Settings settings = Settings.load();
      cluster = clustering.apply(settings);
      deployment = plan.prepare(settings);
      ops = OpsSettings.from(settings);
    } catch (Settings.InvalidSettingException e) {
      System.err.println("podium: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Before the process joins and reports ready: its first protocol message is then not slowed.
    dev.podium.api.protocol.ProtocolCodec.warmUp();
    if (cluster.standalone()) {
      LOG.info(
          "{} running standalone (set PODIUM_CLUSTER_NAME or PODIUM_CLUSTER_MEMBERS to cluster)",
          processName);
    } else {
      LOG.info("{} joining cluster '{}' via {}", processName, cluster.name(), cluster.members());
    }
    ClusterBootstrap.start(cluster)
        .compose(
            vertx ->
                deployment
                    .deploy(vertx)
                    .compose(
                        v -> {
                          if (!ops.enabled()) {
                            return Future.succeededFuture();
                          }
                          return OpsRoutes.serve(vertx, ops.host(), ops.port(), deployment.needs())
                              .onSuccess(
                                  s ->
                                      LOG.info(
                                          "{} health and metrics on {}:{}",
                                          processName,
                                          ops.host(),
                                          s.actualPort()));
                        })
                    .onFailure(e -> vertx.close())
                    .map(v -> vertx))
        .onSuccess(
            vertx -> {
              LOG.info("{} started", processName);
              Runtime.getRuntime()
                  .addShutdownHook(new Thread(() -> closeQuietly(vertx), "podium-shutdown"));
            })
        .onFailure(
            e -> {
              LOG.error("{} failed to start", processName, e);
              System.exit(1);
            });
  }

  private static void closeQuietly(Vertx vertx) {
    CountDownLatch closed = new CountDownLatch(1);
    vertx.close().onComplete(ar -> closed.countDown());
    try {
      closed.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
