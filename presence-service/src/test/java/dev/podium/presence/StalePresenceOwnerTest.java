package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.presence.Participant;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ownership.FencedStore;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomInbox;
import dev.podium.testkit.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A presence-service instance that stood still (SIGSTOP, a long GC) heard no gateway heartbeats
 * meanwhile. When it wakes, its dead-node sweep is overdue and runs before it steps down: it must
 * not tell the room that everyone left, nor the room-service that the host did (which would start
 * the host's grace and end an event whose host is connected). The instance's pause watch runs on a
 * virtual clock; the sweep is called directly, in the same turn as the freeze.
 */
class StalePresenceOwnerTest {
  private static final String EVENT = "ev-1";
  private static final String NODE = "gw-1";
  private static final long NODE_TIMEOUT_MS = 1;

  private Vertx vertx;
  private Context loop;
  private ServiceOwnership ownership;
  private PresenceServiceImpl presence;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<String> roomMessages = new CopyOnWriteArrayList<>();

  /** What the room-service was told: "user present|absent". */
  private final List<String> toldRooms = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    RoomService rooms =
        (RoomService)
            Proxy.newProxyInstance(
                RoomService.class.getClassLoader(),
                new Class<?>[] {RoomService.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("presence")) {
                    toldRooms.add(args[1] + " " + ((Boolean) args[2] ? "present" : "absent"));
                    return Future.succeededFuture();
                  }
                  return Future.failedFuture("not in this test");
                });
    PresenceConfig config =
        new PresenceConfig(
            100,
            Duration.ofMillis(250),
            Duration.ofMillis(NODE_TIMEOUT_MS),
            500,
            Duration.ofSeconds(2),
            10);
    onLoop(
        () -> {
          ownership =
              new ServiceOwnership(vertx, "presence-service", Duration.ofSeconds(2), clock::get);
          presence =
              new PresenceServiceImpl(
                  vertx,
                  config,
                  rooms,
                  ownership,
                  new FencedStore(
                      vertx, ClusterCopy.EVENTS, ownership.instanceId(), ownership::stint),
                  new FencedStore(
                      vertx, ClusterCopy.STREAMS, ownership.instanceId(), ownership::stint));
          return ownership
              .start(presence::ringChanged)
              .compose(
                  v ->
                      RoomInbox.listen(
                              vertx, EVENT, m -> roomMessages.add(m.body().getString("type")))
                          .mapEmpty());
        });
    onLoop(
        () ->
            presence.join(
                EVENT, new Participant("host", "Host", Participant.ROLE_HOST, true, NODE, "s-1")));
    onLoop(
        () ->
            presence.join(
                EVENT,
                new Participant("ear", "Ear", Participant.ROLE_LISTENER, true, NODE, "s-2")));
    // The gateway node is overdue by the clock the sweep reads (bounded: the timeout is 1 ms).
    long joined = System.currentTimeMillis();
    while (System.currentTimeMillis() <= joined + NODE_TIMEOUT_MS) {
      Thread.onSpinWait();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    onLoop(ownership::stop);
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void anOverdueSweepRightAfterAPauseAnnouncesNothing() throws Exception {
    onLoop(
        () -> {
          clock.addAndGet(
              15_000_000_000L); // SIGSTOP for 15 s; the sweep runs before the watch thread's late
          // tick
          presence.expireDeadNodes();
          return Future.succeededFuture();
        });
    onLoop(() -> Future.succeededFuture()); // what was published by then has been delivered

    assertTrue(
        !roomMessages.contains("participant_left"),
        "the room hears of no departure: " + roomMessages);
    assertEquals(List.of("host present"), toldRooms, "the room-service hears of no absent host");
  }

  /**
   * The same sweep of an instance that did not stand still removes the silent node's people: the
   * test above is not vacuous.
   */
  @Test
  void theSameSweepAwakeRemovesTheSilentNodesParticipants() throws Exception {
    onLoop(
        () -> {
          presence.expireDeadNodes();
          return Future.succeededFuture();
        });
    onLoop(() -> Future.succeededFuture());

    assertTrue(roomMessages.contains("participant_left"), String.valueOf(roomMessages));
    assertEquals(List.of("host present", "host absent"), toldRooms);
  }

  /** Runs on the service's event loop and waits, bounded, for the result. */
  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    return OnContext.await(loop, action);
  }
}
