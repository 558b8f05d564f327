package dev.podium.room;

import dev.podium.api.ReadinessProbes;
import dev.podium.runtime.ServiceLauncher;
import java.util.List;

/**
 * {@code java -jar room-service/target/podium-room-service.jar}: joins the cluster and runs the
 * room-service only.
 */
public final class RoomServiceMain {
  private RoomServiceMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "room-service",
        settings -> {
          RoomConfig config = RoomConfig.from(settings);
          ServiceLauncher.Deployment deployment =
              vertx -> vertx.deployVerticle(new RoomServiceVerticle(config));
          return deployment.needing(List.of(ReadinessProbes.PRESENCE));
        });
  }
}
