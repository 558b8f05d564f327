package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.presence.PresenceService;
import dev.podium.runtime.ownership.FencedStore;
import dev.podium.runtime.ownership.PauseWatch;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomInbox;
import dev.podium.testkit.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An owner that lost its event while it stood still (SIGSTOP, a long GC) must not change it, and
 * above all must not tell anyone it did: the room hears nothing from it. The stale owner here is a
 * real {@link RoomServiceImpl} whose pause watch runs on a virtual clock. Where the point is a
 * member that wakes with its own stale copy of the cluster map (in which its compare-and-set still
 * succeeds: seen in {@code OwnershipScaleOutTest}'s SIGSTOP step), its store writes to a map of its
 * own, and the new owner claims the event in "the cluster's" map.
 */
class StaleOwnerTest {
  private static final long MS = 1_000_000;

  /** A grace that ends during the test; and one that does not. */
  private static final long SHORT_GRACE_MS = 100;

  private static final long LONG_GRACE_MS = 60_000;

  private Vertx vertx;
  private Context loop;
  private ServiceOwnership ownership;
  private RoomServiceImpl stale;

  /** The stale owner's pause watch and its virtual clock (nanoseconds). */
  private final AtomicLong clock = new AtomicLong(1_000 * MS);

  private final PauseWatch watch = new PauseWatch(2_000 * MS, clock.get());

  /**
   * Set to freeze the process right after the store's next "may I write?" (a pause while that write
   * is on its way).
   */
  private final AtomicBoolean freezeAfterNextAsk = new AtomicBoolean();

  private final List<JsonObject> roomMessages = new CopyOnWriteArrayList<>();
  private final List<JsonObject> lifecycle = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ownership != null) {
      onLoop(ownership::stop);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /**
   * Starts the stale-owner-to-be over the map {@code mapName}: until it freezes, it owns every
   * event. A host's grace of {@code graceMs}.
   */
  private void start(String mapName, long graceMs) throws Exception {
    onLoop(() -> AbsentPresence.bind(vertx, java.util.Set.of()));
    FencedStore store =
        new FencedStore(
            vertx,
            mapName,
            "stale",
            () -> {
              long stint = watch.stint(clock.get());
              if (freezeAfterNextAsk.getAndSet(false)) {
                freeze(false);
              }
              return stint;
            });
    onLoop(
        () -> {
          ownership = new ServiceOwnership(vertx, "room-service", Duration.ofSeconds(2));
          stale =
              new RoomServiceImpl(
                  vertx,
                  RoomConfig.withGrace(Duration.ofMillis(graceMs)),
                  new RoomRegistry(Clock.systemUTC(), 10),
                  PresenceService.createProxy(vertx),
                  ownership,
                  store);
          return ownership
              .start(stale::ringChanged)
              .compose(
                  v ->
                      vertx
                          .eventBus()
                          .<JsonObject>consumer(
                              Addresses.ROOM_LIFECYCLE, m -> lifecycle.add(m.body()))
                          .completion());
        });
  }

  /**
   * The process stands still for 15 s; with {@code lateTick} the watch thread runs first when it
   * wakes.
   */
  private void freeze(boolean lateTick) {
    clock.addAndGet(15_000 * MS);
    if (lateTick) {
      watch.tick(clock.get());
    }
  }

  private String goLiveAndListen() throws Exception {
    String eventId = onLoop(() -> stale.goLive("host", "Host")).eventId();
    onLoop(() -> RoomInbox.listen(vertx, eventId, m -> roomMessages.add(m.body())).mapEmpty());
    return eventId;
  }

  /**
   * Copies the event's record into "the cluster's" map and takes it over there, as another instance
   * does while the owner is frozen.
   */
  private FencedStore takeOverInCluster(String staleMap, String eventId) throws Exception {
    onLoop(
        () ->
            vertx
                .sharedData()
                .<String, String>getAsyncMap(staleMap)
                .compose(m -> m.get(eventId))
                .compose(
                    record ->
                        vertx
                            .sharedData()
                            .<String, String>getAsyncMap("cluster")
                            .compose(m -> m.put(eventId, record))));
    FencedStore next = new FencedStore(vertx, "cluster", "next", () -> 0);
    assertEquals(2, onLoop(() -> next.claim(eventId)).epoch());
    return next;
  }

  /**
   * Waits (bounded) until the stale owner has dropped the event, then until everything it published
   * by then has been delivered.
   */
  private void awaitDropped() throws Exception {
    onLoop(
        () -> {
          Promise<Void> dropped = Promise.promise();
          long poll =
              vertx.setPeriodic(
                  5,
                  id -> {
                    if (stale.ownedEvents() == 0) {
                      dropped.tryComplete();
                    }
                  });
          return dropped.future().onComplete(ar -> vertx.cancelTimer(poll));
        });
    onLoop(() -> Future.succeededFuture()); // deliveries queued before this turn have run
  }

  private List<String> types(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getString("type", m.getString("kind"))).toList();
  }

  /**
   * The CI failure of the SIGSTOP step: the host's grace is overdue when the frozen owner wakes,
   * the watch thread's late tick runs before the grace timer, and the grace end goes to the
   * member's stale copy, where the compare-and-set succeeds. (The first PauseWatch took the late
   * tick for "awake again", and the listener saw {@code stream_ended}.)
   */
  @Test
  void anOverdueGraceEndAfterTheLateTickEndsNothing() throws Exception {
    start("stale-copy", SHORT_GRACE_MS);
    String eventId = goLiveAndListen();
    onLoop(() -> stale.presence(eventId, "host", false).onSuccess(v -> freeze(true)));
    FencedStore next = takeOverInCluster("stale-copy", eventId);

    awaitDropped();
    assertTrue(
        !types(roomMessages).contains("stream_ended"),
        "the room hears no end: " + types(roomMessages));
    assertTrue(!types(lifecycle).contains("ended"), "nor the cluster: " + types(lifecycle));
    assertNotNull(onLoop(() -> next.get(eventId)), "the event is live");
  }

  /**
   * The process stands still while the grace end's removal is on its way to the stale copy: the map
   * takes it, but the result arrives in a new stint and does not count.
   */
  @Test
  void aGraceEndThePauseCaughtOnItsWayEndsNothing() throws Exception {
    start("stale-copy", SHORT_GRACE_MS);
    String eventId = goLiveAndListen();
    onLoop(
        () -> stale.presence(eventId, "host", false).onSuccess(v -> freezeAfterNextAsk.set(true)));
    FencedStore next = takeOverInCluster("stale-copy", eventId);

    awaitDropped();
    assertTrue(
        !types(roomMessages).contains("stream_ended"),
        "the room hears no end: " + types(roomMessages));
    assertTrue(!types(lifecycle).contains("ended"), "nor the cluster: " + types(lifecycle));
    assertNotNull(onLoop(() -> next.get(eventId)), "the event is live");
  }

  /**
   * The host comes back on a stale owner (no pause noticed, the write is refused): the room is not
   * told "the host is back".
   */
  @Test
  void aRefusedReturnIsNotAnnounced() throws Exception {
    start("cluster", LONG_GRACE_MS);
    String eventId = goLiveAndListen();
    onLoop(() -> stale.presence(eventId, "host", false));
    FencedStore next = new FencedStore(vertx, "cluster", "next", () -> 0);
    onLoop(() -> next.claim(eventId));

    Throwable refused =
        onLoop(
            () ->
                stale
                    .presence(eventId, "host", true)
                    .transform(ar -> Future.succeededFuture(ar.cause())));
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.of(refused), String.valueOf(refused));
    awaitDropped();
    List<String> notices = roomMessages.stream().map(m -> m.getString("message", "")).toList();
    assertTrue(
        notices.stream().anyMatch(m -> m.contains("lost connection")),
        "the departure was announced: " + notices);
    assertTrue(
        notices.stream().noneMatch(m -> m.contains("host is back")),
        "the refused return was not: " + notices);
  }

  /** A mode switch refused by the fence tells neither the room nor the cluster. */
  @Test
  void aRefusedModeSwitchIsNotAnnounced() throws Exception {
    start("cluster", LONG_GRACE_MS);
    String eventId = goLiveAndListen();
    FencedStore next = new FencedStore(vertx, "cluster", "next", () -> 0);
    onLoop(() -> next.claim(eventId));

    Throwable refused =
        onLoop(
            () ->
                stale
                    .switchMode(eventId, "host", "screen")
                    .transform(ar -> Future.succeededFuture(ar.cause())));
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.of(refused), String.valueOf(refused));
    awaitDropped();
    assertEquals(List.of(), types(roomMessages), "the room hears nothing");
    assertEquals(List.of("started"), types(lifecycle), "the cluster hears of no mode change");
  }

  /**
   * Runs on the service's event loop (its classes are used from one thread) and waits, bounded, for
   * the result.
   */
  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    return OnContext.await(loop, action);
  }
}
