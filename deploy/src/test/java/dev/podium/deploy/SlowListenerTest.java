package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.TestSocket.Binary;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A listener that never reads loses frames (counted) while everyone else's audio keeps its timing,
 * the gateway's memory for it stays bounded, and room messages to it close it as a slow consumer
 * once its queue has stayed full for 2 s.
 */
class SlowListenerTest {
  private static final int LISTENERS = 20;
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
  void aStuckListenerLosesFramesAndNobodyElseNotices() {
    TestSocket host = podium.goLive(node, "slow-host");
    String eventId = host.eventId();
    List<TestSocket> listeners = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      TestSocket l = podium.join(node, eventId, "ok" + i);
      l.expect("room_state");
      listeners.add(l);
    }
    Audio.Sine sine = new Audio.Sine(440, 8000);
    long sender = podium.clientVertx().setPeriodic(20, id -> host.sendBinary(sine.next(960)));
    try {
      // Baseline: two seconds with every listener reading.
      long t0 = System.nanoTime();
      TestSocket.awaitCondition(() -> listeners.get(0).binariesSince(t0).size() >= 100, 10_000);
      double baseline = p99Gap(listeners, t0);
      long droppedBefore = dropped();
      long heapBefore = usedHeapAfterGc();

      // One listener stops reading; give the stream time to fill its queue and overflow.
      ClientWebSocket stuck =
          podium.connectStuck(
              node,
              "/ws/stream/live/join/event/"
                  + eventId
                  + "/stuck/stuck/?token="
                  + TestTokens.valid("stuck"));
      long t1 = System.nanoTime();
      assertTrue(
          TestSocket.awaitCondition(
              () -> listeners.get(0).binariesSince(t1).size() >= 300, 20_000));
      double withStuck = p99Gap(listeners, t1);
      long droppedAfter = dropped();

      assertTrue(
          droppedAfter > droppedBefore,
          "the stuck listener's frames are dropped and counted: "
              + droppedBefore
              + " -> "
              + droppedAfter);
      assertTrue(
          withStuck <= baseline * 1.5 + 20,
          "others' p99 inter-frame gap " + withStuck + " ms vs baseline " + baseline + " ms");
      long heapGrowth = usedHeapAfterGc() - heapBefore;
      assertTrue(heapGrowth < 64L * 1024 * 1024, "heap grew by " + heapGrowth / 1024 + " KiB");

      // Room messages (chat) to a socket whose queue stays full: it is closed as a slow consumer
      // once the queue has been full for 2 s (the gateway logs how long), and the room hears that
      // it left.
      TestSocket chatter = listeners.get(1);
      TestSocket watcher = listeners.get(2);
      long chats =
          podium
              .clientVertx()
              .setPeriodic(
                  500,
                  id ->
                      chatter.send(
                          new JsonObject()
                              .put("type", "broadcast_message")
                              .put("message", "still here?")));
      try {
        assertTrue(
            TestSocket.awaitCondition(
                () ->
                    watcher.seen("participant_left").stream()
                        .anyMatch(m -> "stuck".equals(m.getString("user_id"))),
                // The close waits behind the unread queue: the gateway gives up on the closing
                // handshake after Vert.x's 10 s WebSocket closing timeout.
                30_000),
            "the stuck listener was not closed as a slow consumer");
      } finally {
        podium.clientVertx().cancelTimer(chats);
      }
      stuck.close();
    } finally {
      podium.clientVertx().cancelTimer(sender);
    }
  }

  /** The 99th percentile of the gaps between consecutive frames, over all listeners, in ms. */
  private static double p99Gap(List<TestSocket> listeners, long since) {
    List<Double> gaps = new ArrayList<>();
    for (TestSocket l : listeners) {
      List<Binary> frames = l.binariesSince(since);
      for (int i = 1; i < frames.size(); i++) {
        gaps.add((frames.get(i).receivedAt() - frames.get(i - 1).receivedAt()) / 1e6);
      }
    }
    Collections.sort(gaps);
    return gaps.isEmpty() ? Double.MAX_VALUE : gaps.get((int) (gaps.size() * 0.99));
  }

  /**
   * The gateway's {@code podium_media_frames_dropped_total} from {@code /metrics} on its ops port.
   */
  private long dropped() {
    HttpReply metrics = podium.opsGet(node, "/metrics");
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("podium_media_frames_dropped_total{")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("podium_media_frames_dropped_total missing from /metrics");
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }
}
