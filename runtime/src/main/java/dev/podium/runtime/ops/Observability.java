package dev.podium.runtime.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each Vert.x instance's metric registry: Vert.x's own metrics (event bus, HTTP, pools) and
 * Podium's, scraped together at {@code /metrics}. One registry per instance, so that several nodes
 * in one JVM (the tests) keep their numbers apart.
 */
public final class Observability {
  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES = new ConcurrentHashMap<>();
  private static final MeterRegistry DETACHED = new SimpleMeterRegistry();

  private Observability() {}

  /** A new Prometheus registry, to be bound to the Vert.x instance built with it. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public static void bind(Vertx vertx, PrometheusMeterRegistry registry) {
    REGISTRIES.put(vertx, registry);
  }

  public static void unbind(Vertx vertx) {
    REGISTRIES.remove(vertx);
  }

  /**
   * The instance's registry; a detached one (counted, never scraped) for a Vert.x not started by
   * Podium.
   */
  public static MeterRegistry registry(Vertx vertx) {
    MeterRegistry registry = REGISTRIES.get(vertx);
    return registry != null ? registry : DETACHED;
  }

  /** The Prometheus registry of the instance, or null. */
  public static PrometheusMeterRegistry prometheus(Vertx vertx) {
    return REGISTRIES.get(vertx);
  }
}
