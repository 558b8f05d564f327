package dev.podium.deploy;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayLoopsEndToEndTest}'s order and completeness checks (the assertions live there) with
 * {@code PODIUM_GATEWAY_LOOPS=1}.
 */
class GatewayOneLoopEndToEndTest {
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of("PODIUM_GATEWAY_LOOPS", "1"));
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  @Test
  void roomMessagesReachEverySocketInOrder() {
    GatewayLoopsEndToEndTest.everyListenerOnEveryLoopGetsEveryRoomMessageInOrder(podium, node);
  }

  @Test
  void audioReachesEverySocketWhole() {
    GatewayLoopsEndToEndTest.everyListenerOnEveryLoopGetsEveryAudioTickInOrder(podium, node);
  }
}
