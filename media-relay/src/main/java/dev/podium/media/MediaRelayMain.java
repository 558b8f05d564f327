package dev.podium.media;

import dev.podium.runtime.ServiceLauncher;

/** {@code java -jar media-relay/target/podium-media-relay.jar}: joins the cluster and runs the media relay only. */
public final class MediaRelayMain {
  private MediaRelayMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch("media-relay", settings -> {
      MediaConfig config = MediaConfig.from(settings);
      return vertx -> vertx.deployVerticle(new MediaRelayVerticle(config));
    });
  }
}
