package dev.podium.history;

import dev.podium.runtime.ServiceLauncher;

/**
 * {@code java -jar history-service/target/podium-history-service.jar}: joins the cluster and runs
 * the history-service only (with {@code PODIUM_DB_URL} unset, on an embedded PostgreSQL in {@code
 * PODIUM_DATA_DIR}).
 */
public final class HistoryServiceMain {
  private HistoryServiceMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "history-service",
        settings -> {
          HistoryConfig config = HistoryConfig.from(settings);
          return vertx -> vertx.deployVerticle(new HistoryServiceVerticle(config));
        });
  }
}
