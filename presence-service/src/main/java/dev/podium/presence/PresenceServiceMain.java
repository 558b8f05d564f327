package dev.podium.presence;

import dev.podium.api.ReadinessProbes;
import dev.podium.runtime.ServiceLauncher;
import java.util.List;

/**
 * {@code java -jar presence-service/target/podium-presence-service.jar}: joins the cluster and runs
 * presence only.
 */
public final class PresenceServiceMain {
  private PresenceServiceMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "presence-service",
        settings -> {
          PresenceConfig config = PresenceConfig.from(settings);
          ServiceLauncher.Deployment deployment =
              vertx -> vertx.deployVerticle(new PresenceServiceVerticle(config));
          return deployment.needing(List.of(ReadinessProbes.ROOM));
        });
  }
}
