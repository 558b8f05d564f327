package dev.podium.gateway;

import dev.podium.runtime.ServiceLauncher;

/** {@code java -jar gateway/target/podium-gateway.jar}: joins the cluster and runs one gateway node. */
public final class GatewayMain {
  private GatewayMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch("gateway",
        (vertx, settings) -> vertx.deployVerticle(new GatewayVerticle(GatewayConfig.from(settings))));
  }
}
