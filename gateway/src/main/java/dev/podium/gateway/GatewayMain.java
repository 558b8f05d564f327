package dev.podium.gateway;

import dev.podium.runtime.ServiceLauncher;

/** {@code java -jar gateway/target/podium-gateway.jar}: joins the cluster and runs one gateway node. */
public final class GatewayMain {
  private GatewayMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch("gateway", settings -> {
      GatewayConfig config = GatewayConfig.from(settings);
      return vertx -> vertx.deployVerticle(new GatewayVerticle(config));
    }, false);
  }
}
