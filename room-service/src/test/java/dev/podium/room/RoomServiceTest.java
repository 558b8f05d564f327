package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.RoomMessageRouting;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.rooms.RoomInbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The room-service deployed on a local Vert.x and called through its proxy. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class RoomServiceTest {
  private static final long GRACE_MS = 200;

  private RoomService rooms;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    rooms = RoomService.createProxy(vertx);
    vertx
        .deployVerticle(new RoomServiceVerticle(RoomConfig.withGrace(Duration.ofMillis(GRACE_MS))))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Registers a consumer and completes once the registration is done. */
  private static Future<MessageConsumer<JsonObject>> listen(
      Vertx vertx, String address, Consumer<Message<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, handler::accept);
    return consumer.completion().map(v -> consumer);
  }

  /** Listens to one room as a gateway node with sockets in it would; completes once it hears. */
  private static Future<RoomInbox> listenToRoom(
      Vertx vertx, String eventId, Consumer<Message<JsonObject>> handler) {
    return RoomInbox.listen(vertx, eventId, handler::accept);
  }

  @Test
  void goLivePublishesStartedAndIsFound(Vertx vertx, VertxTestContext ctx) {
    Checkpoint started = ctx.checkpoint();
    Checkpoint found = ctx.checkpoint();
    listen(
            vertx,
            Addresses.ROOM_LIFECYCLE,
            msg ->
                ctx.verify(
                    () -> {
                      assertEquals(LifecycleNotice.STARTED, msg.body().getString("kind"));
                      assertEquals(
                          "host-1",
                          msg.body()
                              .getJsonObject("event")
                              .getJsonObject("host")
                              .getString("user_id"));
                      started.flag();
                    }))
        .compose(c -> rooms.goLive("host-1", "Hosty"))
        .compose(event -> rooms.find(event.eventId()).map(f -> List.of(event, f)))
        .compose(
            pair ->
                rooms
                    .liveEvents()
                    .map(
                        live -> {
                          ctx.verify(
                              () -> {
                                LiveEvent created = pair.get(0);
                                assertFalse(created.resumed());
                                assertEquals("Hosty", created.hostUsername());
                                assertEquals(created.eventId(), pair.get(1).eventId());
                                assertEquals(
                                    List.of(created.eventId()),
                                    live.stream().map(LiveEvent::eventId).toList());
                              });
                          return live;
                        }))
        .onComplete(ctx.succeeding(v -> found.flag()));
  }

  @Test
  void secondGoLiveResumesWithoutANewStartedNotice(Vertx vertx, VertxTestContext ctx) {
    List<JsonObject> notices = new CopyOnWriteArrayList<>();
    listen(vertx, Addresses.ROOM_LIFECYCLE, msg -> notices.add(msg.body()))
        .compose(c -> rooms.goLive("host-1", "Hosty"))
        .compose(first -> rooms.goLive("host-1", "Hosty").map(second -> List.of(first, second)))
        .compose(
            both ->
                rooms
                    .liveEvents()
                    .map(
                        live -> {
                          ctx.verify(
                              () -> {
                                assertEquals(both.get(0).eventId(), both.get(1).eventId());
                                assertTrue(both.get(1).resumed());
                                assertEquals(1, live.size());
                              });
                          return both;
                        }))
        // the notice of the first go-live is delivered asynchronously; give a late second one time
        // to show up
        .onComplete(
            ctx.succeeding(
                v ->
                    vertx.setTimer(
                        100,
                        t ->
                            ctx.verify(
                                () -> {
                                  assertEquals(1, notices.size(), notices.toString());
                                  ctx.completeNow();
                                }))));
  }

  @Test
  void goLiveWithoutUserIdIsABadRequest(VertxTestContext ctx) {
    rooms
        .goLive(" ", "nobody")
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertEquals(ErrorCode.BAD_REQUEST, ErrorCode.of(e));
                          ctx.completeNow();
                        })));
  }

  @Test
  void findOfUnknownEventFailsEventNotFound(VertxTestContext ctx) {
    rooms
        .find("nope")
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertEquals(ErrorCode.EVENT_NOT_FOUND, ErrorCode.of(e));
                          ctx.completeNow();
                        })));
  }

  @Test
  void endByNonHostFailsNotHostAndKeepsTheEvent(VertxTestContext ctx) {
    rooms
        .goLive("host-1", "Hosty")
        .compose(
            event ->
                rooms
                    .end(event.eventId(), "listener-7")
                    .transform(
                        ar -> {
                          ctx.verify(
                              () -> {
                                assertTrue(ar.failed(), "a listener must not end the event");
                                assertEquals(ErrorCode.NOT_HOST, ErrorCode.of(ar.cause()));
                              });
                          return rooms.find(event.eventId());
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void endOfUnknownEventFailsEventNotFound(VertxTestContext ctx) {
    rooms
        .end("no-such-event", "host-1")
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertEquals(ErrorCode.EVENT_NOT_FOUND, ErrorCode.of(e));
                          ctx.completeNow();
                        })));
  }

  @Test
  void endByHostClosesTheRoomAndPublishesEnded(Vertx vertx, VertxTestContext ctx) {
    Checkpoint streamEnded = ctx.checkpoint();
    Checkpoint lifecycleEnded = ctx.checkpoint();
    Checkpoint gone = ctx.checkpoint();
    rooms
        .goLive("host-1", "Hosty")
        .compose(
            event -> {
              String id = event.eventId();
              Future<?> roomListener =
                  listenToRoom(
                      vertx,
                      id,
                      msg ->
                          ctx.verify(
                              () -> {
                                assertEquals("stream_ended", msg.body().getString("type"));
                                assertEquals(id, msg.body().getJsonObject("event").getString("id"));
                                assertFalse(
                                    msg.body().containsKey("event_id"),
                                    "old host pages take any event_id for the stream link");
                                assertTrue(
                                    RoomMessageRouting.from(msg.headers()).closeRecipients());
                                streamEnded.flag();
                              }));
              Future<?> lifecycleListener =
                  listen(
                      vertx,
                      Addresses.ROOM_LIFECYCLE,
                      msg ->
                          ctx.verify(
                              () -> {
                                assertEquals(LifecycleNotice.ENDED, msg.body().getString("kind"));
                                assertEquals(
                                    id, msg.body().getJsonObject("event").getString("event_id"));
                                lifecycleEnded.flag();
                              }));
              return Future.all(roomListener, lifecycleListener)
                  .compose(v -> rooms.end(id, "host-1"))
                  .compose(
                      v ->
                          rooms
                              .find(id)
                              .transform(
                                  ar -> {
                                    ctx.verify(
                                        () ->
                                            assertEquals(
                                                ErrorCode.EVENT_NOT_FOUND,
                                                ErrorCode.of(ar.cause())));
                                    return rooms.liveEvents();
                                  }));
            })
        .onComplete(
            ctx.succeeding(
                live ->
                    ctx.verify(
                        () -> {
                          assertTrue(live.isEmpty());
                          gone.flag();
                        })));
  }

  @Test
  void hostAwayLongerThanTheGraceEndsTheEvent(Vertx vertx, VertxTestContext ctx) {
    Checkpoint lostNotice = ctx.checkpoint();
    Checkpoint ended = ctx.checkpoint();
    long[] awayAt = new long[1];
    AbsentPresence.bind(vertx, java.util.Set.of())
        .compose(bound -> rooms.goLive("host-1", "Hosty"))
        .compose(
            event -> {
              String id = event.eventId();
              return listenToRoom(
                      vertx,
                      id,
                      msg ->
                          ctx.verify(
                              () -> {
                                JsonObject body = msg.body();
                                if ("broadcast_message".equals(body.getString("type"))) {
                                  assertTrue(
                                      body.getString("message")
                                          .startsWith("The host lost connection"),
                                      body.encode());
                                  lostNotice.flag();
                                } else {
                                  assertEquals("stream_ended", body.getString("type"));
                                  assertTrue(
                                      RoomMessageRouting.from(msg.headers()).closeRecipients());
                                  long waited = System.nanoTime() - awayAt[0];
                                  assertTrue(
                                      waited >= TimeUnit.MILLISECONDS.toNanos(GRACE_MS - 20),
                                      "ended after " + waited + " ns");
                                  rooms
                                      .find(id)
                                      .onComplete(
                                          ctx.failing(
                                              e ->
                                                  ctx.verify(
                                                      () -> {
                                                        assertEquals(
                                                            ErrorCode.EVENT_NOT_FOUND,
                                                            ErrorCode.of(e));
                                                        ended.flag();
                                                      })));
                                }
                              }))
                  .compose(
                      c -> {
                        awayAt[0] = System.nanoTime();
                        return rooms.presence(id, "host-1", false);
                      });
            })
        .onComplete(ctx.succeeding(v -> {}));
  }

  @Test
  void hostBackWithinTheGraceKeepsTheEventLive(Vertx vertx, VertxTestContext ctx) {
    rooms
        .goLive("host-1", "Hosty")
        .compose(
            event -> {
              String id = event.eventId();
              return listenUntilTheHostIsBackAndStillLive(vertx, ctx, id)
                  .compose(c -> rooms.presence(id, "host-1", false))
                  .compose(v -> rooms.presence(id, "host-1", true));
            })
        .onComplete(ctx.succeeding(v -> {}));
  }

  @Test
  void repeatedHostAwayDoesNotRestartTheGrace(Vertx vertx, VertxTestContext ctx) {
    List<String> notices = new CopyOnWriteArrayList<>();
    AbsentPresence.bind(vertx, java.util.Set.of())
        .compose(bound -> rooms.goLive("host-1", "Hosty"))
        .compose(
            event -> {
              String id = event.eventId();
              return listenToRoom(
                      vertx,
                      id,
                      msg -> {
                        notices.add(msg.body().getString("type"));
                        if ("stream_ended".equals(msg.body().getString("type"))) {
                          ctx.verify(
                              () -> {
                                assertEquals(List.of("broadcast_message", "stream_ended"), notices);
                                ctx.completeNow();
                              });
                        }
                      })
                  .compose(c -> rooms.presence(id, "host-1", false))
                  .compose(v -> rooms.presence(id, "host-1", false));
            })
        .onComplete(ctx.succeeding(v -> {}));
  }

  /**
   * The host's "back" never reached the room-service (a call that failed is only logged), but
   * presence has the host connected: when the grace runs out the room-service asks, keeps the event
   * and tells the room the host is back.
   */
  @Test
  void aGraceThatRunsOutWhilePresenceHasTheHostConnectedKeepsTheEvent(
      Vertx vertx, VertxTestContext ctx) {
    AbsentPresence.bind(vertx, java.util.Set.of("host-1"))
        .compose(bound -> rooms.goLive("host-1", "Hosty"))
        .compose(
            event -> {
              String id = event.eventId();
              return listenUntilTheHostIsBackAndStillLive(vertx, ctx, id)
                  .compose(c -> rooms.presence(id, "host-1", false));
            })
        .onComplete(ctx.succeeding(v -> {}));
  }

  /**
   * While presence cannot be asked (not running here), a grace that ran out is stretched: the event
   * is still live well after the grace, since "not answered" is not "not connected".
   */
  @Test
  void aGraceThatRunsOutWhilePresenceDoesNotAnswerIsStretched(Vertx vertx, VertxTestContext ctx) {
    rooms
        .goLive("host-1", "Hosty")
        .compose(event -> rooms.presence(event.eventId(), "host-1", false).map(event.eventId()))
        .onComplete(
            ctx.succeeding(
                id ->
                    vertx.setTimer(
                        GRACE_MS + 1_500,
                        t ->
                            rooms
                                .find(id)
                                .onComplete(
                                    ctx.succeeding(found -> ctx.verify(ctx::completeNow))))));
  }

  /**
   * Listens to the room; once it hears "The host is back." it waits well past the moment the grace
   * timer would have fired and completes the test if the event is still live and never ended.
   */
  private Future<RoomInbox> listenUntilTheHostIsBackAndStillLive(
      Vertx vertx, VertxTestContext ctx, String id) {
    List<String> seen = new CopyOnWriteArrayList<>();
    return listenToRoom(
        vertx,
        id,
        msg -> {
          JsonObject body = msg.body();
          seen.add(body.getString("type") + ":" + body.getString("message"));
          if ("The host is back.".equals(body.getString("message"))) {
            vertx.setTimer(
                GRACE_MS * 2,
                t ->
                    rooms
                        .find(id)
                        .onComplete(
                            ctx.succeeding(
                                found ->
                                    ctx.verify(
                                        () -> {
                                          assertEquals(id, found.eventId());
                                          assertTrue(
                                              seen.stream()
                                                  .noneMatch(x -> x.startsWith("stream_ended")),
                                              seen.toString());
                                          ctx.completeNow();
                                        }))));
          }
        });
  }

  @Test
  void hostPresenceOfUnknownEventIsIgnored(VertxTestContext ctx) {
    rooms
        .presence("nope", "host-1", false)
        .compose(v -> rooms.presence("nope", "host-1", true))
        .compose(v -> rooms.liveEvents())
        .onComplete(
            ctx.succeeding(
                live ->
                    ctx.verify(
                        () -> {
                          assertTrue(live.isEmpty());
                          ctx.completeNow();
                        })));
  }

  /**
   * An operation that was waiting for presence when the grace period ended the event must not write
   * the room back to the cluster: nothing would ever remove that entry again.
   */
  @Test
  void anOperationFinishingAfterTheEventEndedLeavesNoRoomInTheCluster(
      Vertx vertx, VertxTestContext ctx) {
    io.vertx.core.Promise<dev.podium.api.presence.Participant> held =
        io.vertx.core.Promise.promise();
    io.vertx.core.Promise<Void> asked = io.vertx.core.Promise.promise();
    new io.vertx.serviceproxy.ServiceBinder(vertx)
        .setAddress(Addresses.PRESENCE_SERVICE)
        .register(dev.podium.api.presence.PresenceService.class, new HeldPresence(held, asked));
    rooms
        .goLive("host-1", "Hosty")
        .compose(
            event -> {
              String id = event.eventId();
              io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
              return listenToRoom(
                      vertx,
                      id,
                      msg -> {
                        if ("stream_ended".equals(msg.body().getString("type"))) {
                          ended.tryComplete();
                        }
                      })
                  .compose(c -> rooms.presence(id, "host-1", false))
                  .compose(
                      v -> {
                        Future<Void> invite = rooms.inviteCohost(id, "host-1", "ada");
                        // Presence answers only after the grace period has ended the event.
                        asked
                            .future()
                            .compose(x -> ended.future())
                            .onSuccess(
                                x ->
                                    held.complete(
                                        new dev.podium.api.presence.Participant(
                                            "ada", "Ada", "listener", true, "node", "session")));
                        return invite.transform(ar -> Future.succeededFuture(ar));
                      })
                  .compose(
                      ar ->
                          vertx
                              .sharedData()
                              .<String, String>getAsyncMap("podium.rooms")
                              .compose(map -> map.get(id))
                              .map(
                                  stored -> {
                                    ctx.verify(
                                        () -> {
                                          assertTrue(
                                              ar.failed(),
                                              "the invitation cannot succeed in an ended event");
                                          assertEquals(
                                              ErrorCode.EVENT_NOT_FOUND, ErrorCode.of(ar.cause()));
                                          assertEquals(
                                              null, stored, "no room entry is left behind");
                                        });
                                    return stored;
                                  }));
            })
        .onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  /**
   * A presence-service whose {@code participant} answers when the test says so (for the host, the
   * grace's own question, at once: gone).
   */
  private static final class HeldPresence extends AbsentPresence {
    private final io.vertx.core.Promise<dev.podium.api.presence.Participant> held;
    private final io.vertx.core.Promise<Void> asked;

    HeldPresence(
        io.vertx.core.Promise<dev.podium.api.presence.Participant> held,
        io.vertx.core.Promise<Void> asked) {
      super(java.util.Set.of());
      this.held = held;
      this.asked = asked;
    }

    @Override
    public Future<dev.podium.api.presence.Participant> participant(String eventId, String userId) {
      if ("host-1".equals(userId)) {
        return super.participant(eventId, userId);
      }
      asked.tryComplete();
      return held.future();
    }
  }
}
