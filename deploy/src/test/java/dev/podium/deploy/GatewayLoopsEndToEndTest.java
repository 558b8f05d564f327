package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway serving its sockets from several event loops ({@code PODIUM_GATEWAY_LOOPS=4}): the
 * server hands connections to the loops in turn, so a dozen listeners of one room sit on every
 * loop. Each of them gets every room message in the order the room published it and every audio
 * tick, in order, none missing; the node still takes each tick from the event bus once. {@link
 * GatewayOneLoopEndToEndTest} runs the same checks with one loop.
 */
class GatewayLoopsEndToEndTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final int LISTENERS = 12;
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of("PODIUM_GATEWAY_LOOPS", loops()));
    node = podium.startAllInOne();
  }

  static String loops() {
    return "4";
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  static void everyListenerOnEveryLoopGetsEveryRoomMessageInOrder(
      PodiumHarness podium, Vertx node) {
    TestSocket host = podium.goLive(node, "host" + IDS.incrementAndGet());
    String eventId = host.eventId();
    List<TestSocket> listeners = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      TestSocket listener = podium.join(node, eventId, "l" + IDS.incrementAndGet());
      listener.expect("chat_history");
      listeners.add(listener);
    }
    // Four users chat at once (each within its chat rate): the chat-service numbers the messages
    // as it stores them and publishes them as stores complete, so ids need not arrive in id order;
    // what the gateway owes is that every socket, whichever loop it is on, sees all of them in the
    // one order the room published them.
    int perSender = 5;
    List<TestSocket> senders = listeners.subList(0, 4);
    for (int round = 0; round < perSender; round++) {
      for (TestSocket sender : senders) {
        sender.send(new JsonObject().put("type", "broadcast_message").put("message", "m" + round));
      }
    }
    int total = perSender * senders.size();
    List<Integer> roomOrder = null;
    for (TestSocket listener : listeners) {
      assertTrue(
          TestSocket.awaitCondition(
              () -> listener.seen("message_broadcast").size() >= total, 10_000),
          "every chat message arrived");
      List<Integer> ids =
          listener.seen("message_broadcast").stream().map(m -> m.getInteger("id")).toList();
      assertEquals(total, new java.util.HashSet<>(ids).size(), "no message twice");
      roomOrder = roomOrder == null ? ids : roomOrder;
      assertEquals(roomOrder, ids, "the same order on every socket");
    }
    // Two users relay room-wide signalling, interleaved: the gateway publishes each sender's
    // messages in the order it read them, so every other socket sees each sender's in order.
    int perSignaller = 10;
    List<TestSocket> signallers = listeners.subList(4, 6);
    for (int n = 0; n < perSignaller; n++) {
      for (TestSocket signaller : signallers) {
        signaller.send(
            new JsonObject()
                .put("type", "ice_candidate")
                .put("candidate", new JsonObject().put("n", n)));
      }
    }
    for (TestSocket listener : listeners.subList(6, LISTENERS)) {
      assertTrue(
          TestSocket.awaitCondition(
              () -> listener.seen("ice_candidate").size() >= 2 * perSignaller, 10_000),
          "every candidate arrived");
      Map<String, List<Integer>> bySender = new java.util.HashMap<>();
      for (JsonObject m : listener.seen("ice_candidate")) {
        bySender
            .computeIfAbsent(m.getString("from"), f -> new ArrayList<>())
            .add(m.getJsonObject("candidate").getInteger("n"));
      }
      assertEquals(2, bySender.size());
      for (List<Integer> ns : bySender.values()) {
        assertEquals(
            java.util.stream.IntStream.range(0, perSignaller).boxed().toList(),
            ns,
            "one sender's order");
      }
    }
    host.close();
  }

  static void everyListenerOnEveryLoopGetsEveryAudioTickInOrder(PodiumHarness podium, Vertx node) {
    TestSocket host = podium.goLive(node, "host" + IDS.incrementAndGet());
    String eventId = host.eventId();
    host.expect("chat_history");
    List<TestSocket> listeners = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      String id = "v" + IDS.incrementAndGet();
      TestSocket listener =
          podium.connect(
              node,
              "/ws/stream/live/join/event/"
                  + eventId
                  + "/"
                  + id
                  + "/"
                  + id
                  + "/?token="
                  + TestTokens.valid(id),
              List.of("podium.v1"));
      listener.expect("chat_history");
      listeners.add(listener);
    }
    Audio.Sine sine = new Audio.Sine(440, 8000);
    long sender = podium.clientVertx().setPeriodic(20, id -> host.sendBinary(sine.next(960)));
    try {
      // 75 ticks (1.5 s) to every listener; a missing or repeated tick shows as a gap in the
      // sequence.
      for (TestSocket listener : listeners) {
        assertTrue(
            TestSocket.awaitCondition(() -> audio(listener).size() >= 75, 15_000),
            "audio reached the listener: " + audio(listener).size());
      }
    } finally {
      podium.clientVertx().cancelTimer(sender);
    }
    for (TestSocket listener : listeners) {
      List<Buffer> got = audio(listener);
      long previous = got.get(0).getUnsignedInt(2);
      for (Buffer b : got.subList(1, got.size())) {
        assertEquals(previous + 1, b.getUnsignedInt(2), "ticks in order, none missing");
        previous = b.getUnsignedInt(2);
      }
    }
    host.close();
  }

  private static List<Buffer> audio(TestSocket socket) {
    return socket.binaries().stream()
        .map(TestSocket.Binary::data)
        .filter(b -> b.getUnsignedByte(0) == 1)
        .toList();
  }

  @Test
  void roomMessagesReachEveryLoopInOrder() {
    everyListenerOnEveryLoopGetsEveryRoomMessageInOrder(podium, node);
  }

  @Test
  void audioReachesEveryLoopWhole() {
    everyListenerOnEveryLoopGetsEveryAudioTickInOrder(podium, node);
  }

  @Test
  void theNodeTakesEachTickFromTheEventBusOnceWhateverTheLoops() {
    HttpReply metrics = podium.opsGet(node, "/metrics");
    assertTrue(
        metrics.body().contains("podium_gateway_loops " + loops() + ".0"),
        "the loops are reported");
    double before = metrics.metricSum("podium_media_packets_in_total");
    double framesBefore = metrics.metricSum("podium_media_frames_out_total");
    everyListenerOnEveryLoopGetsEveryAudioTickInOrder(podium, node);
    HttpReply after = podium.opsGet(node, "/metrics");
    double packets = after.metricSum("podium_media_packets_in_total") - before;
    double frames = after.metricSum("podium_media_frames_out_total") - framesBefore;
    // Each tick arrives once per node and becomes one frame per listener (plus the host's
    // mix-minus, none alone).
    assertTrue(
        frames >= LISTENERS * (packets - 2) && frames <= LISTENERS * (packets + 2),
        "packets in " + packets + ", frames out " + frames);
  }
}
