package dev.podium.gateway;

import dev.podium.api.ReadinessProbes;
import dev.podium.runtime.ServiceLauncher;
import java.util.List;

/**
 * {@code java -jar gateway/target/podium-gateway.jar}: joins the cluster and runs one gateway node.
 */
public final class GatewayMain {
  /** What a gateway needs to be ready: it cannot admit anyone without these services. */
  public static final List<ReadinessProbes.Probe> NEEDS =
      List.of(ReadinessProbes.ROOM, ReadinessProbes.CHAT, ReadinessProbes.PRESENCE);

  private GatewayMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "gateway",
        settings -> {
          GatewayConfig config = GatewayConfig.from(settings);
          ServiceLauncher.Deployment deployment =
              vertx -> vertx.deployVerticle(new GatewayVerticle(config));
          return deployment.needing(NEEDS);
        });
  }
}
