package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The generator over two (fake) gateways, one of which goes away while the host streams. */
class ReconnectRunTest {
  private FakeGateways gateways;

  @AfterEach
  void stop() throws Exception {
    if (gateways != null) {
      gateways.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(60)
  void listenersOfAGatewayThatShutsDownComeBackThroughTheOther() throws Exception {
    gateways = new FakeGateways(2);
    AtomicBoolean done = new AtomicBoolean();
    gateways.onFrame(
        n -> {
          if (n == 50 && done.compareAndSet(false, true)) {
            gateways.node(1).goAway(100);
          }
        });
    JsonObject r = run();

    JsonObject first = r.getJsonArray("gateways").getJsonObject(0);
    JsonObject second = r.getJsonArray("gateways").getJsonObject(1);
    assertEquals(6, r.getInteger("joined"), r.encodePrettily());
    assertEquals(3, first.getInteger("listeners_at_start"), r.encodePrettily());
    assertEquals(3, second.getInteger("listeners_at_start"), r.encodePrettily());
    assertEquals(6, first.getInteger("listeners_at_end"), r.encodePrettily());
    assertEquals(0, second.getInteger("listeners_at_end"), r.encodePrettily());
    assertEquals(3, r.getLong("reconnects"), r.encodePrettily());
    assertEquals(3, r.getLong("reconnect_attempts"), r.encodePrettily());
    assertEquals(0, r.getLong("reconnect_gave_up"), r.encodePrettily());
    assertEquals(0, r.getLong("closed_during_run"), r.encodePrettily());
    // They came back after after_ms (100 ms), and audio followed.
    assertTrue(r.getDouble("reconnect_gap_p50_ms") >= 100, r.encodePrettily());
    assertNotNull(r.getValue("reconnect_audio_gap_max_ms"), r.encodePrettily());
    assertTrue(r.getDouble("reconnect_audio_gap_max_ms") < 2000, r.encodePrettily());
    // Frames missed while away are lost, the rest arrived.
    assertTrue(
        r.getDouble("worst_listener_loss_pct") > 0 && r.getDouble("worst_listener_loss_pct") < 30,
        r.encodePrettily());
    assertEquals(0, r.getLong("host_reconnects"));
    // The gateway that stayed got one packet per tick, for its listeners whatever their number;
    // the one that left could not be read at the end.
    assertEquals(1.0, first.getDouble("packets_per_tick"), r.encodePrettily());
    assertEquals(r.getInteger("ticks").longValue(), first.getLong("packets_received"));
    assertTrue(first.getLong("frames_delivered") > 3L * r.getInteger("ticks"), r.encodePrettily());
    assertNull(second.getValue("packets_received"), r.encodePrettily());
    assertEquals("ws://127.0.0.1:" + gateways.node(1).port(), r.getJsonArray("bases").getString(1));
  }

  @Test
  @Timeout(60)
  void theHostAndItsGatewaysListenersComeBackWhenItIsKilled() throws Exception {
    gateways = new FakeGateways(2);
    AtomicBoolean done = new AtomicBoolean();
    gateways.onFrame(
        n -> {
          if (n == 50 && done.compareAndSet(false, true)) {
            gateways.node(0).kill();
          }
        });
    JsonObject r = run();

    assertEquals(1, r.getLong("host_reconnects"), r.encodePrettily());
    assertEquals(true, r.getBoolean("host_resumed"), r.encodePrettily());
    assertTrue(r.getLong("host_frames_not_sent") > 0, r.encodePrettily());
    assertTrue(r.getBoolean("host_closed"), r.encodePrettily());
    assertEquals(3, r.getLong("reconnects"), r.encodePrettily());
    assertEquals(
        6,
        r.getJsonArray("gateways").getJsonObject(1).getInteger("listeners_at_end"),
        r.encodePrettily());
    // Backoff without after_ms: the first attempt 250 ms after the close.
    assertTrue(r.getDouble("reconnect_gap_p50_ms") >= 250, r.encodePrettily());
    assertTrue(r.getDouble("worst_listener_loss_pct") < 40, r.encodePrettily());
    assertTrue(r.getDouble("loss_pct") > 0, r.encodePrettily());
    assertTrue(Report.text(r).contains("reconnects: 3 listeners back in the room"), Report.text(r));
  }

  private JsonObject run() {
    return new LoadGenerator(
            BenchOptions.parse(
                "--base",
                gateways.bases(),
                "--gateway-metrics",
                gateways.metricsUrls(),
                "--listeners",
                "6",
                "--ramp-ms",
                "300",
                "--settle-ms",
                "300",
                "--warmup-s",
                "0",
                "--duration-s",
                "3",
                "--drain-ms",
                "500",
                "--join-timeout-ms",
                "5000",
                "--label",
                "fake"))
        .run();
  }
}
