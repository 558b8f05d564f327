package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.RoomMessageRouting;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.runtime.ownership.FencedStore;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomInbox;
import dev.podium.testkit.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An owner killed after writing a stage change to the cluster copy and before announcing it (seen
 * in the ownership drill: a co-host acceptance that took effect, and that neither the host nor the
 * new co-host ever heard of). The record carries what the change must announce until it is
 * announced, so the instance that takes the event in announces it: the room gets {@code
 * cohost_joined} with its role header, presence gets the role, and the record is written without
 * it. A record whose change was announced carries nothing, and its take-in announces nothing.
 */
class UnannouncedChangeTest {
  private Vertx vertx;
  private Context loop;
  private ServiceOwnership ownership;
  private RoomServiceImpl heir;
  private final List<JsonObject> roomMessages = new CopyOnWriteArrayList<>();
  private final List<String> roleHeaders = new CopyOnWriteArrayList<>();
  private final List<String> presenceTold = new CopyOnWriteArrayList<>();

  /** Completed when the first room message arrives, and when presence is first told a role. */
  private final CompletableFuture<Void> roomMessaged = new CompletableFuture<>();

  private final CompletableFuture<Void> presenceCalled = new CompletableFuture<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ownership != null) {
      OnContext.await(loop, ownership::stop);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** The record a killed owner left: a co-host acceptance, announced or not. */
  private String leaveRecord(boolean announced) throws Exception {
    RoomRegistry registry = new RoomRegistry(Clock.systemUTC(), 10);
    RoomRegistry.Room room = registry.goLive("host", "Host").room();
    long now = System.currentTimeMillis();
    room.stage().invite("host", new Stage.Person("ann", "Ann", true, true), now, 60_000);
    Stage.Outcome accepted = room.stage().accept("ann", now);
    JsonObject record = room.toJson();
    if (!announced) {
      record.put(Announcement.FIELD, Announcement.of(accepted).toJson());
    }
    FencedStore dead = new FencedStore(vertx, RoomServiceImpl.STORE, "dead", () -> 0);
    OnContext.await(loop, () -> dead.create(room.eventId(), record));
    return room.eventId();
  }

  /** Starts the heir; it owns every event, so it takes in the record at once. */
  private FencedStore startHeir(String eventId) throws Exception {
    PresenceService presence =
        (PresenceService)
            Proxy.newProxyInstance(
                PresenceService.class.getClassLoader(),
                new Class<?>[] {PresenceService.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("setRole")) {
                    presenceTold.add(args[1] + " " + args[2]);
                    presenceCalled.complete(null);
                  }
                  return Future.succeededFuture();
                });
    FencedStore store = new FencedStore(vertx, RoomServiceImpl.STORE, "heir", () -> 0);
    OnContext.await(
        loop,
        () ->
            RoomInbox.listen(
                    vertx,
                    eventId,
                    m -> {
                      RoomMessageRouting routing = RoomMessageRouting.from(m.headers());
                      roleHeaders.add(routing.roleUser() + " " + routing.role());
                      roomMessages.add(m.body());
                      roomMessaged.complete(null);
                    })
                .mapEmpty());
    OnContext.await(
        loop,
        () -> {
          ownership = new ServiceOwnership(vertx, "room-service", Duration.ofSeconds(2));
          heir =
              new RoomServiceImpl(
                  vertx,
                  RoomConfig.withGrace(Duration.ofSeconds(60)),
                  new RoomRegistry(Clock.systemUTC(), 10),
                  presence,
                  ownership,
                  store);
          return ownership.start(heir::ringChanged);
        });
    return store;
  }

  /**
   * Bounded polling, for state no message announces (the stored record, the owned-event count);
   * messages are awaited as events.
   */
  private static boolean waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  @Test
  void theHeirAnnouncesAChangeItsKilledOwnerWroteButDidNotAnnounce() throws Exception {
    String eventId = leaveRecord(false);
    FencedStore store = startHeir(eventId);
    CompletableFuture.allOf(roomMessaged, presenceCalled).get(5, TimeUnit.SECONDS);
    assertEquals("cohost_joined", roomMessages.get(0).getString("type"));
    assertEquals("ann", roomMessages.get(0).getString("participant_id"));
    assertEquals(List.of("ann " + Participant.ROLE_COHOST), roleHeaders);
    assertEquals(List.of("ann " + Participant.ROLE_COHOST), presenceTold);
    assertTrue(
        waitFor(
            () -> {
              try {
                JsonObject now = OnContext.await(loop, () -> store.get(eventId));
                return now != null && !now.containsKey(Announcement.FIELD);
              } catch (Exception e) {
                return false;
              }
            }),
        "written away once announced");
    assertEquals(1, roomMessages.size(), "announced once");
  }

  @Test
  void aChangeThatWasAnnouncedIsNotAnnouncedAgain() throws Exception {
    String eventId = leaveRecord(true);
    startHeir(eventId);
    assertTrue(waitFor(() -> heir.ownedEvents() == 1), "taken in");
    // A take-in publishes in the same turn as it registers the room: two turns of the loop later a
    // message would have been delivered.
    OnContext.await(loop, Future::succeededFuture);
    OnContext.await(loop, Future::succeededFuture);
    assertEquals(List.of(), roomMessages);
    assertEquals(List.of(), presenceTold);
  }
}
