package dev.podium.deploy;

import dev.podium.gateway.GatewayMain;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.ServiceLauncher;
import dev.podium.runtime.ops.OpsSettings;

/**
 * {@code java -jar deploy/target/podium.jar}: every Podium verticle in one JVM. Standalone unless
 * told to cluster ({@code PODIUM_CLUSTER_NAME} or {@code PODIUM_CLUSTER_MEMBERS} set): then more
 * processes (another gateway, say) can join it.
 */
public final class AllInOneMain {
  private AllInOneMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "podium all-in-one",
        settings -> {
          var deployment = PodiumNode.allInOne(settings);
          boolean dev = settings.bool("PODIUM_DEV", false);
          OpsSettings ops = OpsSettings.from(settings);
          ServiceLauncher.Deployment all =
              vertx ->
                  deployment
                      .apply(vertx)
                      .onSuccess(
                          started -> {
                            String base = "127.0.0.1:" + started.httpPort();
                            System.out.println();
                            System.out.println("Podium is running (all-in-one).");
                            System.out.println(
                                "  Go live:        ws://"
                                    + base
                                    + "/ws/stream/start/live/{userId}/?token={jwt}");
                            System.out.println(
                                "  Join:           ws://"
                                    + base
                                    + "/ws/stream/live/join/event/{eventId}/{username}/{userId}/?token={jwt}");
                            System.out.println(
                                "  Active streams: ws://"
                                    + base
                                    + "/ws/active-streams/   http://"
                                    + base
                                    + "/api/streams");
                            System.out.println("  Health:         http://" + base + "/health");
                            if (ops.enabled()) {
                              String opsBase =
                                  "http://"
                                      + (ops.host().contains(":")
                                          ? "[" + ops.host() + "]"
                                          : ops.host())
                                      + ":"
                                      + ops.port();
                              System.out.println(
                                  "  Ops:            "
                                      + opsBase
                                      + "/health/ready   "
                                      + opsBase
                                      + "/metrics");
                            }
                            if (dev) {
                              System.out.println(
                                  "  Dev tokens:     http://"
                                      + base
                                      + "/dev/token?user_id=alice&username=Alice");
                            }
                            System.out.println();
                          });
          return all.needing(GatewayMain.NEEDS);
        },
        ClusterSettings::standaloneByDefault);
  }
}
