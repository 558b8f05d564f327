package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.media.MediaConfig;
import dev.podium.media.MediaRelayVerticle;
import dev.podium.runtime.LoopThreads;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The all-in-one keeps its media relay off the gateway's event loops (set BM in docs/benchmarks.md:
 * on a shared loop every room's tick waited behind that loop's socket writes).
 */
class RelayPlacementTest {
  private static final int LOOPS = 4;

  /** A fresh Vert.x: its loops handed out from the first, and no thread claimed yet. */
  private Vertx vertx = fresh();

  private static Vertx fresh() {
    return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS));
  }

  @AfterEach
  void close() {
    PodiumHarness.await(vertx.close());
  }

  /** A verticle that claims its loop as a gateway loop, as each of the gateway's loops does. */
  private static final class GatewayLoop extends VerticleBase {
    @Override
    public Future<?> start() {
      LoopThreads.claim(vertx, LoopThreads.GATEWAY);
      return Future.succeededFuture();
    }
  }

  /** Deploys {@code count} gateway loops; the threads claimed as a gateway's so far. */
  private Set<String> gatewayLoops(int count) {
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      deployed.add(vertx.deployVerticle(new GatewayLoop()));
    }
    PodiumHarness.await(Future.all(deployed));
    return LoopThreads.of(vertx, LoopThreads.GATEWAY);
  }

  private MediaRelayVerticle deployRelay(int attempts) throws Exception {
    return PodiumHarness.await(
        PodiumNode.deployRelayApartFromGateway(
            vertx, MediaConfig.from(Settings.of(Map.of())), attempts));
  }

  /**
   * Two gateway loops, then {@code others} other verticles, then the relay: Vert.x hands out its
   * four loops in turn, so with two others the relay's first deployment lands on the first gateway
   * loop's thread, and with three on the second's.
   */
  private MediaRelayVerticle placeAfter(int others, int attempts, Set<String> gateway)
      throws Exception {
    gateway.addAll(gatewayLoops(2));
    for (int i = 0; i < others; i++) {
      PodiumHarness.await(vertx.deployVerticle(new VerticleBase() {}));
    }
    return deployRelay(attempts);
  }

  @Test
  void theRelayLandsOnALoopNoGatewayLoopUses() throws Exception {
    for (int others = 0; others < LOOPS; others++) {
      Set<String> gateway = new java.util.HashSet<>();
      MediaRelayVerticle relay = placeAfter(others, PodiumNode.RELAY_PLACEMENTS, gateway);
      assertEquals(2, gateway.size(), "two gateway loops on two threads: " + gateway);
      assertFalse(
          gateway.contains(relay.thread()),
          others + " others: the relay runs on " + relay.thread() + ", a gateway loop");
      assertTrue(relay.thread().startsWith("vert.x-eventloop-thread-"), relay.thread());
      assertEquals(
          2 + others + 1, vertx.deploymentIDs().size(), "the relays that landed badly are gone");
      PodiumHarness.await(vertx.close());
      vertx = fresh();
    }
  }

  /** The case above that needs a second deployment: deployed once, the relay shares a loop. */
  @Test
  void deployedOnceTheRelayWouldShareAGatewayLoop() throws Exception {
    Set<String> gateway = new java.util.HashSet<>();
    MediaRelayVerticle relay = placeAfter(2, 1, gateway);
    assertTrue(gateway.contains(relay.thread()), relay.thread() + " among " + gateway);
  }

  @Test
  void withEveryLoopAGatewaysTheRelayStillStarts() throws Exception {
    Set<String> gateway = gatewayLoops(LOOPS);
    assertEquals(LOOPS, gateway.size());
    MediaRelayVerticle relay = deployRelay(PodiumNode.RELAY_PLACEMENTS);
    assertTrue(gateway.contains(relay.thread()), "no loop was free: it shares one, and runs");
    assertEquals(
        LOOPS + 1, vertx.deploymentIDs().size(), "one relay deployed, the others undeployed");
  }
}
