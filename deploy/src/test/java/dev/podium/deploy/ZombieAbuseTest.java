package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zombies: a listener and then the host cut off without FIN or reset (a proxy of the test's own
 * between them and the gateway stops forwarding). The gateway's pings go unanswered, the idle
 * timeout drops them, the zombie listener leaves the list, and the host's departure starts the
 * reconnect grace, after which the event ends, all as for any disconnect.
 */
class ZombieAbuseTest {
  private static final long IDLE_MS = 1_500;
  private static final long GRACE_MS = 2_000;

  private static PodiumHarness podium;
  private static Vertx node;
  private static Bystanders bystanders;

  @BeforeAll
  static void start() {
    podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_WS_PING_MS",
                "300",
                "PODIUM_WS_IDLE_TIMEOUT_MS",
                String.valueOf(IDLE_MS),
                "PODIUM_HTTP_IDLE_TIMEOUT_MS",
                "3000",
                "PODIUM_HOST_GRACE_MS",
                String.valueOf(GRACE_MS)));
    node = podium.startAllInOne();
    bystanders = Bystanders.start(podium.port(node), TestTokens::valid);
  }

  @AfterAll
  static void stop() {
    if (bystanders != null) {
      bystanders.close();
    }
    podium.close();
  }

  @Test
  void cutOffListenerAndHostAreDroppedWithinTheIdleTimeout() throws Exception {
    int port = podium.port(node);
    try (BlackHoleProxy hostPath = new BlackHoleProxy(port, "127.0.0.41");
        BlackHoleProxy zombiePath = new BlackHoleProxy(port, "127.0.0.42")) {
      TestSocket host =
          podium.connectTo(
              hostPath.port(),
              "/ws/stream/start/live/zombie-host/?token=" + TestTokens.valid("zombie-host"));
      String eventId = host.expect("stream_link").getString("event_id");
      TestSocket listener = podium.join(node, eventId, "alive-listener");
      listener.expect("room_state");
      TestSocket zombie =
          podium.connectTo(
              zombiePath.port(),
              "/ws/stream/live/join/event/"
                  + eventId
                  + "/zombie-listener/zombie-listener/?token="
                  + TestTokens.valid("zombie-listener"));
      zombie.expect("room_state");
      listener.expect("participant_joined", m -> "zombie-listener".equals(m.getString("user_id")));
      startMeasuring();

      long cut = System.nanoTime();
      zombiePath.blackHole();
      listener.expect("participant_left", m -> "zombie-listener".equals(m.getString("user_id")));
      long tookMs = (System.nanoTime() - cut) / 1_000_000;
      assertTrue(tookMs < IDLE_MS + 1_000, "zombie listener dropped after " + tookMs + " ms");
      assertTrue(
          TestSocket.awaitCondition(
              () -> {
                List<JsonObject> lists = listener.seen("participant_list");
                return !lists.isEmpty()
                    && lists.get(lists.size() - 1).getJsonArray("participants").stream()
                        .map(JsonObject.class::cast)
                        .noneMatch(p -> "zombie-listener".equals(p.getString("user_id")));
              },
              5_000),
          "the room's participant_list no longer has the zombie: "
              + listener.seen("participant_list"));

      cut = System.nanoTime();
      hostPath.blackHole();
      listener.expect(
          "broadcast_message",
          m -> String.valueOf(m.getString("message")).contains("lost connection"));
      tookMs = (System.nanoTime() - cut) / 1_000_000;
      assertTrue(tookMs < IDLE_MS + 1_000, "host's grace started after " + tookMs + " ms");
      listener.expect("stream_ended");
      assertEquals(1000, listener.awaitClose());
      assertBystandersWell();
    }
  }

  private static long measuringSince;

  private static void startMeasuring() {
    measuringSince = System.nanoTime();
    bystanders.startMeasuring();
  }

  /**
   * Checks the bystanders over a window of at least 1.5 s from the attack's start: a deliberate
   * measuring window, so that a stall right after the attack shows and a window of a few hundred ms
   * does not judge the audio by two or three frames of jitter.
   */
  private static void assertBystandersWell() throws InterruptedException {
    long leftMs = 1_500 - (System.nanoTime() - measuringSince) / 1_000_000;
    if (leftMs > 0) {
      Thread.sleep(leftMs);
    }
    bystanders.assertWell();
  }
}
