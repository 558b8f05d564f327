package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.TestSocket.Binary;
import dev.podium.media.MediaRelayVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two media relays in the cluster beside a node with the other services and a gateway: each
 * event is mixed by exactly one relay, and when that relay stops the other takes the event over
 * and audio resumes within 2 s.
 */
class MediaFailoverTest {
  private static PodiumHarness podium;
  private static Vertx core;
  private static final MediaRelayVerticle[] RELAY_B = new MediaRelayVerticle[1];
  private static final MediaRelayVerticle[] RELAY_C = new MediaRelayVerticle[1];
  private static Vertx nodeB;
  private static Vertx nodeC;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    core = podium.startWithoutMedia();
    nodeB = podium.startMediaRelay(RELAY_B);
    nodeC = podium.startMediaRelay(RELAY_C);
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  @Test
  void stoppingTheRelayThatMixesAnEventMovesItAndAudioResumesWithinTwoSeconds() {
    JsonObject[] link = new JsonObject[1];
    TestSocket host = podium.goLive(core, "fo-host", link);
    String eventId = link[0].getString("event_id");
    TestSocket listener = podium.connect(core, "/ws/stream/live/join/event/" + eventId + "/fo/fo/?token="
        + TestTokens.valid("fo"), List.of("podium.v1"));
    listener.expect("room_state");

    Audio.Sine sine = new Audio.Sine(440, 8000);
    long sender = podium.clientVertx().setPeriodic(20, id -> host.sendBinary(sine.next(960)));
    try {
      assertTrue(TestSocket.awaitCondition(() -> listener.binaries().size() >= 25, 10_000), "audio flows");
      boolean onB = RELAY_B[0].mixes(eventId);
      boolean onC = RELAY_C[0].mixes(eventId);
      assertTrue(onB ^ onC, "exactly one relay mixes the event (B " + onB + ", C " + onC + ")");
      Vertx owner = onB ? nodeB : nodeC;
      MediaRelayVerticle survivor = onB ? RELAY_C[0] : RELAY_B[0];

      long lastSequence = sequence(listener.binaries().get(listener.binaries().size() - 1));
      long stoppedAt = System.nanoTime();
      podium.stop(owner);
      // The new owner numbers its ticks from 1 again: the first such frame is the resumed audio.
      assertTrue(TestSocket.awaitCondition(() -> resumed(listener, stoppedAt, lastSequence) != null, 10_000),
          "audio resumed");
      Binary first = resumed(listener, stoppedAt, lastSequence);
      assertNotNull(first);
      double seconds = (first.receivedAt() - stoppedAt) / 1e9;
      assertTrue(seconds < 2.0, "audio resumed after " + seconds + " s");
      assertTrue(survivor.mixes(eventId), "the surviving relay mixes the event");
    } finally {
      podium.clientVertx().cancelTimer(sender);
    }
  }

  private static long sequence(Binary b) {
    return b.data().getUnsignedInt(2);
  }

  private static Binary resumed(TestSocket listener, long since, long lastSequence) {
    return listener.binariesSince(since).stream()
        .filter(b -> sequence(b) < lastSequence / 2 || sequence(b) < 10)
        .findFirst().orElse(null);
  }
}
