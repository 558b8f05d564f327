package dev.podium.runtime.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.ClusterBootstrap;
import dev.podium.runtime.ClusterReach;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three cluster members, as a gateway and two services would be: a room message (and media) reaches
 * exactly the gateway nodes that follow its event, a member that joins later routes by the whole
 * table from its start, and the routes of a node that stops following, or of a member that leaves,
 * are gone everywhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoomRoutesTest {
  private static final long WAIT_MS = 20_000;
  private static final List<Vertx> NODES = new ArrayList<>();
  private static String name;
  private static String members;
  private static final List<Integer> PORTS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    name = "routes-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      PORTS.add(freePort());
    }
    members = String.join(",", PORTS.stream().map(p -> "127.0.0.1:" + p).toList());
    NODES.add(member(PORTS.get(0)));
    NODES.add(member(PORTS.get(1)));
    waitFor(() -> size(NODES.get(0)) == 2, "the first two members did not meet");
  }

  @AfterAll
  static void stop() throws Exception {
    for (Vertx vertx : NODES) {
      get(vertx.close());
    }
  }

  @Test
  @Order(1)
  void aRoomMessageReachesTheNodesFollowingItsEventAndNoOther() throws Exception {
    Vertx gatewayA = NODES.get(0);
    Vertx service = NODES.get(1);
    String event = "ev-" + UUID.randomUUID();
    String other = "ev-" + UUID.randomUUID();
    BlockingQueue<String> atA = new LinkedBlockingQueue<>();
    BlockingQueue<String> atB = new LinkedBlockingQueue<>();
    RoomInbox inboxA = inbox(gatewayA, "gw-a-" + UUID.randomUUID(), atA);
    RoomInbox inboxB = inbox(service, "gw-b-" + UUID.randomUUID(), atB);
    RoomRoutes.Route a = inboxA.follow(event);
    RoomRoutes.Route b = inboxB.follow(other);
    get(Future.all(a.ready(), b.ready()));
    RoomRoutes atService = RoomRoutes.of(service);
    waitFor(() -> atService.nodes(event).size() == 1, "the service never saw the route");

    RoomChannel channel = new RoomChannel(service);
    channel.publish(event, new JsonObject().put("n", 1));
    channel.publish(other, new JsonObject().put("n", 2));
    assertEquals(event + " 1", atA.poll(WAIT_MS, TimeUnit.MILLISECONDS));
    assertEquals(other + " 2", atB.poll(WAIT_MS, TimeUnit.MILLISECONDS));
    channel.publishMedia(event, Buffer.buffer(new byte[7]));
    assertEquals(event + " media 7", atA.poll(WAIT_MS, TimeUnit.MILLISECONDS));

    get(a.close());
    waitFor(() -> atService.nodes(event).isEmpty(), "the closed route stayed");
    channel.publish(event, new JsonObject().put("n", 3));
    channel.publish(other, new JsonObject().put("n", 4));
    // Messages of one sender to one node keep their order: the second proves the first was not
    // delivered either.
    assertEquals(other + " 4", atB.poll(WAIT_MS, TimeUnit.MILLISECONDS));
    assertEquals(null, atA.poll(200, TimeUnit.MILLISECONDS), "nothing for a node that left");
    get(b.close());
  }

  @Test
  @Order(3)
  void aMemberThatJoinsLaterRoutesByTheWholeTableAndALeaverIsForgotten() throws Exception {
    Vertx gateway = NODES.get(1);
    String node = "gw-late-" + UUID.randomUUID();
    List<String> events = new ArrayList<>();
    List<RoomRoutes.Route> routes = new ArrayList<>();
    RoomInbox inbox = inbox(gateway, node, new LinkedBlockingQueue<>());
    for (int i = 0; i < 50; i++) {
      String event = "ev-" + UUID.randomUUID();
      events.add(event);
      routes.add(inbox.follow(event));
    }
    get(Future.all(routes.stream().map(RoomRoutes.Route::ready).toList()));

    Vertx late = member(PORTS.get(2));
    NODES.add(late);
    RoomRoutes table = RoomRoutes.of(late);
    get(table.ready());
    for (String event : events) {
      assertEquals(List.of(node), table.nodes(event), "known from the start: " + event);
    }

    // The gateway's member leaves: every other process forgets its routes, and the map loses them.
    NODES.remove(gateway);
    get(gateway.close());
    RoomRoutes first = RoomRoutes.of(NODES.get(0));
    waitFor(
        () -> events.stream().allMatch(e -> first.nodes(e).isEmpty() && table.nodes(e).isEmpty()),
        "a departed member's routes stayed");
    var map = ClusterReach.hazelcast(late).orElseThrow().getReplicatedMap(RoomRoutes.MAP);
    waitFor(
        () -> map.values().stream().noneMatch(v -> v.toString().startsWith(node + "\n")),
        "the departed member's entries stayed in the map");
  }

  @Test
  @Order(2)
  void aNodeIdThatWouldBreakTheTableIsRefused() {
    RoomRoutes routes = RoomRoutes.of(NODES.get(0));
    assertThrows(IllegalArgumentException.class, () -> routes.follow("ev", "node\nev-other"));
  }

  private static RoomInbox inbox(Vertx vertx, String node, BlockingQueue<String> heard)
      throws Exception {
    RoomInbox inbox =
        RoomInbox.open(
            vertx,
            node,
            (event, msg) -> heard.add(event + " " + msg.body().getInteger("n")),
            (event, msg) -> heard.add(event + " media " + msg.body().length()));
    get(inbox.ready());
    return inbox;
  }

  private static Vertx member(int port) throws Exception {
    return get(
        ClusterBootstrap.start(
            ClusterSettings.from(
                Settings.of(
                    Map.of(
                        "PODIUM_CLUSTER_NAME", name,
                        "PODIUM_CLUSTER_PORT", String.valueOf(port),
                        "PODIUM_CLUSTER_MEMBERS", members)))));
  }

  private static int size(Vertx vertx) {
    return ClusterReach.hazelcast(vertx).orElseThrow().getCluster().getMembers().size();
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  /** Checks the condition every 20 ms, for at most {@value #WAIT_MS} ms. */
  private static void waitFor(BooleanSupplier condition, String failure) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, failure);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
