package dev.podium.recorder;

import dev.podium.runtime.ServiceLauncher;

/**
 * {@code java -jar recorder/target/podium-recorder.jar}: joins the cluster and records the events
 * whose host turned recording on (files in {@code PODIUM_RECORDINGS_DIR}).
 */
public final class RecorderMain {
  private RecorderMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "recorder",
        settings -> {
          RecorderConfig config = RecorderConfig.from(settings);
          return vertx -> vertx.deployVerticle(new RecorderVerticle(config));
        });
  }
}
