package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two gateways on two clustered Vert.x instances: node A runs every service and a gateway, node B
 * only a gateway. Room messages cross the cluster; a node that stops takes its participants with
 * it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEndToEndTest {
  private static PodiumHarness podium;
  private static Vertx nodeA;
  private static Vertx nodeB;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    nodeA = podium.startAllInOne();
    nodeB = podium.startGatewayOnly();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  @Test
  @Order(1)
  void chatListsAndTheEndCrossGateways() {
    TestSocket host = podium.goLive(nodeA, "host-a");
    String eventId = host.eventId();
    TestSocket listener = podium.join(nodeB, eventId, "listener-b");
    assertEquals(
        "host-a", listener.expect("room_state").getJsonObject("host").getString("user_id"));
    // The room's coalesced list from before this join may come first (protocol.md: room messages
    // interleave with the joiner's snapshot); the joiner then sees both of them listed.
    JsonObject joinedList = listener.expect("participant_list", m -> m.getInteger("total") == 2);
    assertEquals(2, joinedList.getJsonArray("participants").size());
    host.expect("participant_joined", m -> "listener-b".equals(m.getString("user_id")));
    host.expect("participant_list", m -> m.getInteger("total") == 2);

    listener.send(new JsonObject().put("type", "broadcast_message").put("message", "hello from B"));
    host.expect("message_broadcast", m -> "hello from B".equals(m.getString("message")));
    listener.expect("message_broadcast", m -> "hello from B".equals(m.getString("message")));
    host.send(new JsonObject().put("type", "broadcast_message").put("message", "hello from A"));
    listener.expect("message_broadcast", m -> "hello from A".equals(m.getString("message")));

    // Each gateway loop's list follows presence's changes by at most a quarter of a second.
    assertTrue(
        Polls.eventually(() -> podium.get(nodeB, "/api/streams").body().contains(eventId), 5_000),
        "node B's /api/streams lists the event");

    host.send(new JsonObject().put("type", "stream_ended"));
    listener.expect("stream_ended");
    assertEquals(1000, listener.awaitClose());
    assertEquals(1000, host.awaitClose());
  }

  @Test
  @Order(2)
  void stoppingGatewayBRemovesItsParticipantsFromA() {
    TestSocket host = podium.goLive(nodeA, "host-a2");
    String eventId = host.eventId();
    for (int i = 0; i < 3; i++) {
      podium.join(nodeB, eventId, "b-listener-" + i).expect("room_state");
    }
    host.expect("participant_count", m -> m.getInteger("count") == 4);

    TestSocket watched = podium.join(nodeB, eventId, "b-watched");
    watched.expect("room_state");
    host.expect("participant_count", m -> m.getInteger("count") == 5);
    host.drain();
    long stoppedAt = System.currentTimeMillis();
    podium.stop(nodeB);
    // A graceful stop tells each client when to reconnect, then closes with 1012 (service restart).
    JsonObject reconnect = watched.expect("reconnect");
    assertTrue(reconnect.getInteger("after_ms") >= 500 && reconnect.getInteger("after_ms") < 1500);
    assertEquals(1012, watched.awaitClose());
    host.expect("participant_count", m -> m.getInteger("count") == 1);
    long took = System.currentTimeMillis() - stoppedAt;
    assertTrue(took < 10_000, "participants of the stopped node removed after " + took + " ms");
    JsonObject list = host.expect("participant_list", m -> m.getInteger("total") == 1);
    assertEquals(
        "host-a2", list.getJsonArray("participants").getJsonObject(0).getString("user_id"));
  }

  @Test
  @Order(3)
  void aGatewayProcessKilledWithoutGoodbyeIsSweptWithinTenSeconds() throws Exception {
    try (PodiumProcess nodeC =
        PodiumProcess.start(
            "gateway-c",
            dev.podium.gateway.GatewayMain.class,
            podium.settings(),
            java.util.Map.of(),
            "listening on port")) {
      TestSocket host = podium.goLive(nodeA, "host-a3");
      String eventId = host.eventId();
      joinVia(nodeC, eventId, "c-listener");
      host.expect("participant_count", m -> m.getInteger("count") == 2);
      host.drain();

      long killedAt = System.currentTimeMillis();
      nodeC.kill();
      host.expect("participant_left", m -> "c-listener".equals(m.getString("user_id")));
      long took = System.currentTimeMillis() - killedAt;
      assertTrue(took < 10_000, "participants of the killed node removed after " + took + " ms");
      host.expect("participant_count", m -> m.getInteger("count") == 1);
    }
  }

  /**
   * A heartbeat is a message on a busy event bus and can arrive seconds late (after a kill, up to
   * 14 s in the ownership drill): a gateway whose process is still a cluster member keeps its
   * people, however long its heartbeats take. Gateway d sends one heartbeat at start and then none
   * for ten minutes; gateway e beats normally and is killed. When presence's sweep removes e's
   * listener, d has been silent longer than e, and past the node timeout: the same sweep keeps d's
   * listener because d is still a member. Once d's process is gone, its listener goes too.
   */
  @Test
  @Order(4)
  void aGatewayStillInTheClusterKeepsItsPeopleWhenItsHeartbeatsStopArriving() throws Exception {
    try (PodiumProcess nodeD =
            PodiumProcess.start(
                "gateway-d",
                dev.podium.gateway.GatewayMain.class,
                podium.settings(),
                Map.of("PODIUM_HEARTBEAT_MS", "600000"),
                "listening on port");
        PodiumProcess nodeE =
            PodiumProcess.start(
                "gateway-e",
                dev.podium.gateway.GatewayMain.class,
                podium.settings(),
                Map.of(),
                "listening on port")) {
      TestSocket host = podium.goLive(nodeA, "host-a4");
      String eventId = host.eventId();
      TestSocket quiet = joinVia(nodeD, eventId, "d-listener");
      joinVia(nodeE, eventId, "e-listener");
      host.expect("participant_count", m -> m.getInteger("count") == 3);

      nodeE.kill();
      host.expect("participant_left", m -> "e-listener".equals(m.getString("user_id")));
      assertTrue(
          host.seen("participant_left").stream()
              .noneMatch(m -> "d-listener".equals(m.getString("user_id"))),
          "the silent gateway's listener did not leave: " + host.seen("participant_left"));
      host.send(new JsonObject().put("type", "get_participants"));
      JsonObject page = host.expect("participant_page");
      assertTrue(
          page.getJsonArray("participants").stream()
              .map(JsonObject.class::cast)
              .anyMatch(p -> "d-listener".equals(p.getString("user_id"))),
          "the silent gateway's listener is still listed: " + page.encode());
      assertFalse(quiet.isClosed(), "its socket is open");

      long killedAt = System.currentTimeMillis();
      nodeD.kill();
      host.expect("participant_left", m -> "d-listener".equals(m.getString("user_id")));
      long took = System.currentTimeMillis() - killedAt;
      assertTrue(took < 10_000, "participants of the killed node removed after " + took + " ms");
    }
  }

  /** A listener in the event through a gateway process, once it has the room's state. */
  private static TestSocket joinVia(PodiumProcess gateway, String eventId, String userId) {
    TestSocket socket = podium.joinAt(gateway.port(), eventId, userId);
    socket.expect("room_state");
    return socket;
  }
}
