package dev.podium.media;

import dev.podium.api.ReadinessProbes;
import dev.podium.runtime.ServiceLauncher;
import java.util.List;

/**
 * {@code java -jar media-relay/target/podium-media-relay.jar}: joins the cluster and runs the media
 * relay only.
 */
public final class MediaRelayMain {
  private MediaRelayMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "media-relay",
        settings -> {
          MediaConfig config = MediaConfig.from(settings);
          ServiceLauncher.Deployment deployment =
              vertx -> vertx.deployVerticle(new MediaRelayVerticle(config));
          return deployment.needing(List.of(ReadinessProbes.ROOM));
        });
  }
}
