package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The abuse suite's yardstick: a quiet server passes {@link Bystanders#assertWell}, and a server
 * that goes away fails it (so an abuse test that passes means something).
 */
class BystandersTest {
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  @Test
  void aQuietServerIsWellAndAGoneOneIsNot() throws Exception {
    try (Bystanders bystanders = Bystanders.start(podium.port(node), TestTokens::valid)) {
      bystanders.startMeasuring();
      Thread.sleep(1_000); // a measuring window, not a wait for an event
      bystanders.assertWell();

      bystanders.startMeasuring();
      // The server goes away: health fails and the audio stops, so the yardstick must fail.
      podium.stop(node);
      Thread.sleep(1_000); // a measuring window with the server gone
      assertThrows(AssertionError.class, bystanders::assertWell);
    }
  }
}
