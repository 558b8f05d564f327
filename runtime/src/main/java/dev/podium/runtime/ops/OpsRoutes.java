package dev.podium.runtime.ops;

import dev.podium.api.ReadinessProbes;
import dev.podium.runtime.membership.ClusterWatch;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;

/**
 * The operations endpoints every Podium process serves: {@code GET /health/live} (the process
 * answers), {@code GET /health/ready} (it is a live member of the cluster and the services it needs
 * answer) and {@code GET /metrics} (Prometheus). Every process, the gateway and the all-in-one
 * included, serves them on a port of their own ({@link OpsSettings}), never on a gateway's client
 * port: they tell an outsider the cluster's shape and load.
 */
public final class OpsRoutes {
  private OpsRoutes() {}

  /**
   * Readiness checks with the cluster-membership check already registered: the process is an active
   * cluster member and does not suspect a split ({@link ClusterWatch}); when it does, the check is
   * down with {@code data.reason} saying why, and {@code data.members} how many it sees.
   */
  public static HealthChecks readinessChecks(Vertx vertx) {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("cluster", 2_000, promise -> promise.complete(clusterStatus(vertx)));
    return checks;
  }

  static Status clusterStatus(Vertx vertx) {
    if (!dev.podium.runtime.ClusterReach.active(vertx)) {
      return Status.KO(new JsonObject().put("reason", "not an active cluster member"));
    }
    ClusterWatch watch = ClusterWatch.of(vertx);
    if (watch == null) {
      return Status.OK();
    }
    JsonObject data = new JsonObject().put("members", watch.members());
    if (watch.expected() > 0) {
      data.put("expected", watch.expected());
    }
    String reason = watch.reason();
    return reason == null
        ? Status.OK(data)
        : Status.KO(data.put("reason", "split suspected: " + reason));
  }

  /**
   * Registers a readiness check that a service answers a cheap, read-only proxy call ({@code
   * action} with {@code body}). Any reply counts, even a refusal: it proves an instance is there;
   * no handler or a timeout does not.
   */
  public static void requireService(
      HealthChecks checks,
      Vertx vertx,
      String name,
      String address,
      String action,
      io.vertx.core.json.JsonObject body) {
    checks.register(
        name,
        2_000,
        promise ->
            vertx
                .eventBus()
                .request(
                    address,
                    body,
                    new io.vertx.core.eventbus.DeliveryOptions()
                        .addHeader("action", action)
                        .setSendTimeout(1_500))
                .onComplete(
                    ar -> {
                      boolean answered =
                          ar.succeeded()
                              || (ar.cause() instanceof io.vertx.core.eventbus.ReplyException re
                                  && re.failureType()
                                      == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE);
                      promise.complete(answered ? Status.OK() : Status.KO());
                    }));
  }

  public static void mount(Router router, Vertx vertx, HealthChecks readiness) {
    HealthChecks liveness =
        HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    PrometheusMeterRegistry registry = Observability.prometheus(vertx);
    if (registry != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    }
  }

  /**
   * The operations server of a process that needs {@code services} to be ready (port 0 picks a free
   * port: {@link HttpServer#actualPort()} tells which).
   */
  public static Future<HttpServer> serve(
      Vertx vertx, String host, int port, List<ReadinessProbes.Probe> services) {
    HealthChecks readiness = readinessChecks(vertx);
    services.forEach(
        p -> requireService(readiness, vertx, p.name(), p.address(), p.action(), p.body()));
    return serve(vertx, host, port, readiness);
  }

  /** A small HTTP server with only the operations endpoints. */
  public static Future<HttpServer> serve(
      Vertx vertx, String host, int port, HealthChecks readiness) {
    Router router = Router.router(vertx);
    mount(router, vertx, readiness);
    return vertx.createHttpServer().requestHandler(router).listen(port, host);
  }
}
