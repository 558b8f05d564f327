package dev.podium.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.podium.runtime.ops.OpsRoutes;
import io.vertx.ext.healthchecks.HealthChecks;
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

  /** Deploys a process's verticles on the clustered instance; the Future completes when they run. */
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

  private ServiceLauncher() {
  }

  /** Runs a service with its operations endpoints on {@code PODIUM_OPS_PORT} (default 9100, 0 = none). */
  public static void launch(String processName, Plan plan) {
    launch(processName, plan, true);
  }

  /**
   * @param opsServer false for processes that serve the operations endpoints on their own HTTP
   *                  port (the gateway, the all-in-one)
   */
  public static void launch(String processName, Plan plan, boolean opsServer) {
    launch(processName, plan, opsServer, ClusterSettings::from);
  }

  /**
   * @param clustering how this process reads its cluster settings ({@link ClusterSettings#from} for
   *                   a service, {@link ClusterSettings#standaloneByDefault} for the all-in-one)
   */
  public static void launch(String processName, Plan plan, boolean opsServer,
      java.util.function.Function<Settings, ClusterSettings> clustering) {
    ClusterSettings cluster;
    Deployment deployment;
    int opsPort;
    String opsHost;
    try {
      Settings settings = Settings.load();
      cluster = clustering.apply(settings);
      deployment = plan.prepare(settings);
      opsPort = opsServer ? settings.integer("PODIUM_OPS_PORT", 9100, 0, 65535) : 0;
      opsHost = settings.string("PODIUM_OPS_HOST", "0.0.0.0");
    } catch (Settings.InvalidSettingException e) {
      System.err.println("podium: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (cluster.standalone()) {
      LOG.info("{} running standalone (set PODIUM_CLUSTER_NAME or PODIUM_CLUSTER_MEMBERS to cluster)", processName);
    } else {
      LOG.info("{} joining cluster '{}' via {}", processName, cluster.name(), cluster.members());
    }
    ClusterBootstrap.start(cluster)
        .compose(vertx -> deployment.deploy(vertx)
            .compose(v -> {
              if (opsPort == 0) {
                return Future.succeededFuture();
              }
              HealthChecks readiness = OpsRoutes.readinessChecks(vertx);
              deployment.needs().forEach(p -> OpsRoutes.requireService(readiness, vertx, p.name(), p.address(), p.action(),
                  p.body()));
              return OpsRoutes.serve(vertx, opsHost, opsPort, readiness)
                  .onSuccess(s -> LOG.info("{} health and metrics on port {}", processName, s.actualPort()));
            })
            .onFailure(e -> vertx.close())
            .map(v -> vertx))
        .onSuccess(vertx -> {
          LOG.info("{} started", processName);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), "podium-shutdown"));
        })
        .onFailure(e -> {
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
