package dev.podium.presence;

import dev.podium.runtime.ServiceLauncher;

/** {@code java -jar presence-service/target/podium-presence-service.jar}: joins the cluster and runs presence only. */
public final class PresenceServiceMain {
  private PresenceServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch("presence-service", settings -> {
      PresenceConfig config = PresenceConfig.from(settings);
      return vertx -> vertx.deployVerticle(new PresenceServiceVerticle(config));
    });
  }
}
