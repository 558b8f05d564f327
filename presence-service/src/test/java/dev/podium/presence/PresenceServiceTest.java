package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.GatewayControl;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.runtime.rooms.RoomInbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The presence-service deployed on a local Vert.x and called through its proxy. No room-service
 * runs: its calls (host presence, live events) fail and are only logged.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class PresenceServiceTest {
  private static final String EVENT = "ev-presence";
  private static final Duration LIST_INTERVAL = Duration.ofMillis(50);
  private static final Duration PAUSE_LIMIT = Duration.ofSeconds(2);
  private static final PresenceConfig CONFIG =
      new PresenceConfig(100, LIST_INTERVAL, Duration.ofSeconds(30), 500, PAUSE_LIMIT, 10);

  private static Future<PresenceService> deploy(Vertx vertx, PresenceConfig config) {
    return vertx
        .deployVerticle(new PresenceServiceVerticle(config))
        .map(id -> PresenceService.createProxy(vertx));
  }

  private static Future<Void> listen(Vertx vertx, String address, Consumer<JsonObject> handler) {
    MessageConsumer<JsonObject> consumer =
        vertx.eventBus().consumer(address, msg -> handler.accept(msg.body()));
    return consumer.completion();
  }

  /** Listens to one room as a gateway node with sockets in it would. */
  private static Future<Void> listenToRoom(
      Vertx vertx, String eventId, Consumer<JsonObject> handler) {
    return RoomInbox.listen(vertx, eventId, msg -> handler.accept(msg.body())).mapEmpty();
  }

  private static Participant listener(String userId, String node, String session) {
    return new Participant(
        userId, "name-" + userId, Participant.ROLE_LISTENER, true, node, session);
  }

  private static List<String> types(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getString("type")).toList();
  }

  @Test
  void joinsAreAnnouncedThenTheListIsCoalesced(Vertx vertx, VertxTestContext ctx) {
    List<JsonObject> room = new CopyOnWriteArrayList<>();
    Checkpoint done = ctx.checkpoint();
    deploy(vertx, CONFIG)
        .compose(
            presence ->
                listenToRoom(
                        vertx,
                        EVENT,
                        msg -> {
                          room.add(msg);
                          if ("participant_count".equals(msg.getString("type"))
                              && msg.getInteger("count") == 2) {
                            ctx.verify(
                                () -> {
                                  List<JsonObject> joined =
                                      room.stream()
                                          .filter(
                                              m -> "participant_joined".equals(m.getString("type")))
                                          .toList();
                                  assertEquals(
                                      List.of("u1", "u2"),
                                      joined.stream().map(m -> m.getString("user_id")).toList());
                                  assertEquals(
                                      "name-u1 joined live.", joined.get(0).getString("message"));
                                  assertEquals("name-u1", joined.get(0).getString("username"));
                                  assertEquals("listener", joined.get(0).getString("role"));
                                  JsonObject list = room.get(room.size() - 2);
                                  assertEquals("participant_list", list.getString("type"));
                                  assertEquals(2, list.getInteger("total"));
                                  assertFalse(list.getBoolean("truncated"));
                                  assertEquals(
                                      List.of("u1", "u2"),
                                      list.getJsonArray("participants").stream()
                                          .map(o -> ((JsonObject) o).getString("user_id"))
                                          .toList());
                                  assertTrue(
                                      types(room).stream()
                                              .filter("participant_list"::equals)
                                              .count()
                                          <= 2,
                                      types(room).toString());
                                  done.flag();
                                });
                          }
                        })
                    .compose(v -> presence.join(EVENT, listener("u1", "node-a", "s1")))
                    .compose(
                        first -> {
                          ctx.verify(
                              () -> {
                                assertFalse(first.getBoolean("replaced"));
                                assertEquals(1, first.getInteger("count"));
                                assertEquals(
                                    "participant_list",
                                    new JsonObject(first.getString("participant_list"))
                                        .getString("type"));
                              });
                          return presence.join(EVENT, listener("u2", "node-a", "s2"));
                        }))
        .onComplete(
            ctx.succeeding(
                second ->
                    ctx.verify(
                        () -> {
                          assertEquals(2, second.getInteger("count"));
                          assertEquals(
                              2,
                              new JsonObject(second.getString("participant_list"))
                                  .getInteger("total"));
                        })));
  }

  @Test
  void aBurstOfJoinsBecomesAFewListBroadcasts(Vertx vertx, VertxTestContext ctx) {
    int joiners = 20;
    List<JsonObject> room = new CopyOnWriteArrayList<>();
    deploy(vertx, CONFIG)
        .compose(
            presence ->
                listenToRoom(
                        vertx,
                        EVENT,
                        msg -> {
                          room.add(msg);
                          if ("participant_count".equals(msg.getString("type"))
                              && msg.getInteger("count") == joiners) {
                            // a few more intervals: nothing else may arrive
                            vertx.setTimer(
                                LIST_INTERVAL.toMillis() * 3,
                                t ->
                                    ctx.verify(
                                        () -> {
                                          List<String> types = types(room);
                                          // The room's notice budget (10 a second, 10 in reserve):
                                          // the first ten are announced one
                                          // by one, the other ten only by the coalesced list and
                                          // count.
                                          assertEquals(
                                              10,
                                              types.stream()
                                                  .filter("participant_joined"::equals)
                                                  .count());
                                          long lists =
                                              types.stream()
                                                  .filter("participant_list"::equals)
                                                  .count();
                                          assertTrue(
                                              lists >= 1 && lists <= 3,
                                              "list broadcasts: " + lists);
                                          assertEquals(
                                              lists,
                                              types.stream()
                                                  .filter("participant_count"::equals)
                                                  .count());
                                          assertEquals(
                                              "participant_count", types.get(types.size() - 1));
                                          ctx.completeNow();
                                        }));
                          }
                        })
                    .compose(
                        v ->
                            Future.all(
                                IntStream.range(0, joiners)
                                    .mapToObj(
                                        i ->
                                            presence.join(
                                                EVENT, listener("u" + i, "node-a", "s" + i)))
                                    .toList())))
        .onComplete(ctx.succeeding(v -> {}));
  }

  @Test
  void theListIntervalGrowsWithEveryHundredParticipants() {
    assertEquals(250, PresenceServiceImpl.listInterval(250, 0));
    assertEquals(250, PresenceServiceImpl.listInterval(250, 100));
    assertEquals(500, PresenceServiceImpl.listInterval(250, 101));
    assertEquals(2_500, PresenceServiceImpl.listInterval(250, 1_000));
  }

  @Test
  void aLargeRoomGetsItsListLessOften(Vertx vertx, VertxTestContext ctx) {
    int joiners = 150;
    // A 200 ms interval: 400 ms above 100 participants. The bar sits halfway, so that a list
    // delivered a little late after a prompt one cannot fail the test, and a fixed interval can.
    PresenceConfig slowLists =
        new PresenceConfig(
            100, Duration.ofMillis(200), Duration.ofSeconds(30), 500, PAUSE_LIMIT, 10);
    List<long[]> lists = new CopyOnWriteArrayList<>();
    deploy(vertx, slowLists)
        .compose(
            presence ->
                listenToRoom(
                        vertx,
                        EVENT,
                        msg -> {
                          if ("participant_list".equals(msg.getString("type"))) {
                            lists.add(new long[] {System.nanoTime(), msg.getInteger("total")});
                            if (msg.getInteger("total") == joiners) {
                              ctx.verify(
                                  () -> {
                                    int checked = 0;
                                    for (int i = 1; i < lists.size(); i++) {
                                      if (lists.get(i - 1)[1] > 100) {
                                        long gapMillis =
                                            (lists.get(i)[0] - lists.get(i - 1)[0]) / 1_000_000;
                                        assertTrue(
                                            gapMillis >= 300,
                                            "list "
                                                + i
                                                + " came "
                                                + gapMillis
                                                + " ms after the one before");
                                        checked++;
                                      }
                                    }
                                    assertTrue(
                                        checked >= 1,
                                        "no list followed one of more than 100 participants: "
                                            + lists.size()
                                            + " lists");
                                  });
                              ctx.completeNow();
                            }
                          }
                        })
                    .compose(
                        v -> {
                          // Joins spread over 3 s, so that several lists go out above 100
                          // participants.
                          List<Future<JsonObject>> joins = new ArrayList<>();
                          for (int i = 0; i < joiners; i++) {
                            String id = "u" + i;
                            io.vertx.core.Promise<JsonObject> joined =
                                io.vertx.core.Promise.promise();
                            vertx.setTimer(
                                1 + i * 20L,
                                t ->
                                    presence
                                        .join(EVENT, listener(id, "node-a", "s-" + id))
                                        .onComplete(joined));
                            joins.add(joined.future());
                          }
                          return Future.all(joins);
                        }))
        .onComplete(ctx.succeeding(v -> {}));
  }

  @Test
  void sameUserFromAnotherSessionReplacesTheOldSocket(Vertx vertx, VertxTestContext ctx) {
    List<JsonObject> room = new CopyOnWriteArrayList<>();
    Checkpoint closed = ctx.checkpoint();
    Checkpoint quiet = ctx.checkpoint();
    deploy(vertx, CONFIG)
        .compose(
            presence -> {
              Future<Void> control =
                  listen(
                      vertx,
                      Addresses.gatewayControl("node-old"),
                      msg ->
                          ctx.verify(
                              () -> {
                                assertEquals(
                                    new GatewayControl.CloseSession(
                                        "s-old",
                                        ErrorCode.REPLACED,
                                        "You joined this event from another connection"),
                                    GatewayControl.fromJson(msg));
                                closed.flag();
                              }));
              Future<Void> otherNode =
                  listen(
                      vertx,
                      Addresses.gatewayControl("node-new"),
                      msg ->
                          ctx.failNow(
                              "the new socket's node must not be told anything: " + msg.encode()));
              Future<Void> events = listenToRoom(vertx, EVENT, room::add);
              return Future.all(control, otherNode, events)
                  .compose(v -> presence.join(EVENT, listener("u1", "node-old", "s-old")))
                  .compose(v -> presence.join(EVENT, listener("u1", "node-new", "s-new")))
                  .compose(
                      second -> {
                        ctx.verify(
                            () -> {
                              assertTrue(second.getBoolean("replaced"));
                              assertEquals(1, second.getInteger("count"));
                            });
                        // the old socket's leave arrives after the replacement: it must change
                        // nothing
                        return presence.leave(EVENT, "u1", "s-old");
                      })
                  .compose(v -> presence.page(EVENT, 0, 10));
            })
        .onComplete(
            ctx.succeeding(
                page -> {
                  ctx.verify(
                      () -> {
                        assertEquals(1, page.getInteger("total"));
                        assertEquals(
                            "u1",
                            page.getJsonArray("participants")
                                .getJsonObject(0)
                                .getString("user_id"));
                      });
                  vertx.setTimer(
                      LIST_INTERVAL.toMillis() * 4,
                      t ->
                          ctx.verify(
                              () -> {
                                List<String> types = types(room);
                                assertFalse(types.contains("participant_left"), types.toString());
                                assertEquals(
                                    1,
                                    types.stream().filter("participant_joined"::equals).count(),
                                    types.toString());
                                quiet.flag();
                              }));
                }));
  }

  @Test
  void leaveWithTheCurrentSessionAnnouncesTheDeparture(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, CONFIG)
        .compose(
            presence ->
                listenToRoom(
                        vertx,
                        EVENT,
                        msg -> {
                          if ("participant_left".equals(msg.getString("type"))) {
                            ctx.verify(
                                () -> {
                                  assertEquals("u2", msg.getString("user_id"));
                                  assertEquals("u2", msg.getString("participant_id"));
                                  assertEquals("name-u2 left live.", msg.getString("message"));
                                });
                            presence
                                .page(EVENT, 0, 10)
                                .onComplete(
                                    ctx.succeeding(
                                        page ->
                                            ctx.verify(
                                                () -> {
                                                  assertEquals(1, page.getInteger("total"));
                                                  ctx.completeNow();
                                                })));
                          }
                        })
                    .compose(v -> presence.join(EVENT, listener("u1", "node-a", "s1")))
                    .compose(v -> presence.join(EVENT, listener("u2", "node-a", "s2")))
                    .compose(v -> presence.leave(EVENT, "u2", "stale"))
                    .compose(v -> presence.leave(EVENT, "u1", "s2"))
                    .compose(v -> presence.page(EVENT, 0, 10))
                    .compose(
                        page -> {
                          ctx.verify(
                              () ->
                                  assertEquals(
                                      2,
                                      page.getInteger("total"),
                                      "stale leaves must not remove anyone"));
                          return presence.leave(EVENT, "u2", "s2");
                        }))
        .onComplete(ctx.succeeding(v -> {}));
  }

  @Test
  void pageChecksItsArguments(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, CONFIG)
        .compose(
            presence -> {
              List<Future<?>> bad = new ArrayList<>();
              for (int[] args : new int[][] {{0, 0}, {0, -1}, {-1, 10}, {0, 501}}) {
                bad.add(
                    presence
                        .page(EVENT, args[0], args[1])
                        .transform(
                            ar -> {
                              ctx.verify(
                                  () -> {
                                    assertTrue(
                                        ar.failed(),
                                        "page(" + args[0] + ", " + args[1] + ") must fail");
                                    assertEquals(ErrorCode.BAD_REQUEST, ErrorCode.of(ar.cause()));
                                  });
                              return Future.succeededFuture();
                            }));
              }
              return Future.all(bad)
                  .compose(v -> presence.join(EVENT, listener("u1", "node-a", "s1")))
                  .compose(v -> presence.join(EVENT, listener("u2", "node-a", "s2")))
                  .compose(v -> presence.page(EVENT, 1, 500));
            })
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertEquals(2, page.getInteger("total"));
                          assertEquals(1, page.getInteger("offset"));
                          assertEquals(500, page.getInteger("limit"));
                          assertEquals(
                              "u2",
                              page.getJsonArray("participants")
                                  .getJsonObject(0)
                                  .getString("user_id"));
                          assertEquals(1, page.getJsonArray("participants").size());
                          ctx.completeNow();
                        })));
  }

  @Test
  void joinWithoutSessionIsABadRequest(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, CONFIG)
        .compose(presence -> presence.join(EVENT, listener("u1", "node-a", null)))
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
  void activeStreamsFollowLifecycleNotices(Vertx vertx, VertxTestContext ctx) {
    JsonObject event =
        new JsonObject()
            .put("event_id", EVENT)
            .put("host", new JsonObject().put("user_id", "h").put("username", "Host"))
            .put("started_at", "2025-03-01T10:00:00Z")
            .put("mode", "audio");
    // The instance's part with the participant must be announced before the event ends (if the
    // end came first, the one flush could rightly carry only the end).
    io.vertx.core.Promise<Void> published = io.vertx.core.Promise.promise();
    io.vertx.core.Promise<Void> emptied = io.vertx.core.Promise.promise();
    deploy(vertx, CONFIG)
        .compose(
            presence ->
                listen(
                        vertx,
                        Addresses.ACTIVE_STREAMS_PARTS,
                        msg -> {
                          JsonArray streams = msg.getJsonArray("streams");
                          if (!streams.isEmpty()
                              && streams.getJsonObject(0).getInteger("participant_count") == 1) {
                            ctx.verify(
                                () -> {
                                  assertNotNull(msg.getString("instance"));
                                  assertEquals(1, streams.size(), "only the changed entry");
                                  assertEquals(
                                      EVENT, streams.getJsonObject(0).getString("event_id"));
                                });
                            published.tryComplete();
                          } else if (published.future().isComplete()
                              && msg.getJsonArray("ended", new JsonArray()).contains(EVENT)) {
                            emptied.tryComplete();
                          }
                        })
                    .compose(
                        v -> {
                          vertx
                              .eventBus()
                              .publish(
                                  Addresses.ROOM_LIFECYCLE,
                                  LifecycleNotice.of(LifecycleNotice.STARTED, event));
                          return presence.join(EVENT, listener("u1", "node-a", "s1"));
                        })
                    .compose(v -> published.future())
                    .compose(v -> presence.activeStreams())
                    .compose(
                        streams -> {
                          ctx.verify(
                              () -> {
                                assertEquals(1, streams.getJsonArray("streams").size());
                                assertEquals(
                                    1,
                                    streams
                                        .getJsonArray("streams")
                                        .getJsonObject(0)
                                        .getInteger("participant_count"));
                              });
                          vertx
                              .eventBus()
                              .publish(
                                  Addresses.ROOM_LIFECYCLE,
                                  LifecycleNotice.of(LifecycleNotice.ENDED, event));
                          // The end removes the event's cluster copy, then the instance announces
                          // that the event ended.
                          return emptied
                              .future()
                              .compose(e -> presence.activeStreams())
                              .compose(
                                  after ->
                                      presence
                                          .page(EVENT, 0, 10)
                                          .map(page -> List.of(after, page)));
                        }))
        .onComplete(
            ctx.succeeding(
                after ->
                    ctx.verify(
                        () -> {
                          assertTrue(
                              after.get(0).getJsonArray("streams").isEmpty(),
                              after.get(0).encode());
                          assertEquals(0, after.get(1).getInteger("total"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void participantsOfASilentGatewayNodeAreRemoved(Vertx vertx, VertxTestContext ctx) {
    PresenceConfig shortTimeout =
        new PresenceConfig(100, LIST_INTERVAL, Duration.ofMillis(150), 500, PAUSE_LIMIT, 10);
    JsonObject heartbeat = new JsonObject().put("node_id", "node-alive");
    long beating =
        vertx.setPeriodic(
            30, id -> vertx.eventBus().publish(Addresses.GATEWAY_HEARTBEAT, heartbeat));
    deploy(vertx, shortTimeout)
        .compose(
            presence ->
                listenToRoom(
                        vertx,
                        EVENT,
                        msg -> {
                          if ("participant_left".equals(msg.getString("type"))) {
                            ctx.verify(() -> assertEquals("dead-user", msg.getString("user_id")));
                            presence
                                .page(EVENT, 0, 10)
                                .onComplete(
                                    ctx.succeeding(
                                        page ->
                                            ctx.verify(
                                                () -> {
                                                  assertEquals(1, page.getInteger("total"));
                                                  assertEquals(
                                                      "alive-user",
                                                      page.getJsonArray("participants")
                                                          .getJsonObject(0)
                                                          .getString("user_id"));
                                                  vertx.cancelTimer(beating);
                                                  ctx.completeNow();
                                                })));
                          }
                        })
                    .compose(v -> presence.join(EVENT, listener("alive-user", "node-alive", "s1")))
                    .compose(v -> presence.join(EVENT, listener("dead-user", "node-dead", "s2"))))
        .onComplete(ctx.succeeding(v -> {}));
  }

  /**
   * A gateway node removed as dead was only cut off: heard again, presence asks the gateways for
   * their sessions of the events it removed them from, and the node's answer brings its participant
   * back.
   */
  @Test
  void aNodeRemovedAsDeadThatIsHeardAgainIsAskedForItsSessions(Vertx vertx, VertxTestContext ctx) {
    PresenceConfig shortTimeout =
        new PresenceConfig(100, LIST_INTERVAL, Duration.ofMillis(150), 500, PAUSE_LIMIT, 10);
    Participant cut = listener("cut-user", "node-cut", "s2");
    deploy(vertx, shortTimeout)
        .compose(
            presence ->
                listen(
                        vertx,
                        Addresses.PRESENCE_RESYNC,
                        ask -> {
                          // The cut-off node answers as a gateway does: its one session, done.
                          ctx.verify(() -> assertEquals(EVENT, ask.getString("event_id")));
                          JsonObject batch =
                              new JsonObject()
                                  .put("event_id", EVENT)
                                  .put("node_id", "node-cut")
                                  .put("participants", new JsonArray().add(cut.toJson()))
                                  .put("done", true);
                          vertx
                              .eventBus()
                              .request(ask.getString("reply_to"), batch)
                              .compose(answered -> presence.page(EVENT, 0, 10))
                              .onComplete(
                                  ctx.succeeding(
                                      page ->
                                          ctx.verify(
                                              () -> {
                                                assertEquals(1, page.getInteger("total"));
                                                assertEquals(
                                                    "cut-user",
                                                    page.getJsonArray("participants")
                                                        .getJsonObject(0)
                                                        .getString("user_id"));
                                                ctx.completeNow();
                                              })));
                        })
                    .compose(
                        v ->
                            listenToRoom(
                                vertx,
                                EVENT,
                                msg -> {
                                  if ("participant_left".equals(msg.getString("type"))) {
                                    // Removed as dead; now its heartbeat arrives again.
                                    vertx
                                        .eventBus()
                                        .publish(
                                            Addresses.GATEWAY_HEARTBEAT,
                                            new JsonObject().put("node_id", "node-cut"));
                                  }
                                }))
                    .compose(v -> presence.join(EVENT, cut)))
        .onComplete(ctx.succeeding(v -> {}));
  }

  @Test
  void aParticipantWithoutNodeDoesNotStopTheDeadNodeSweep(Vertx vertx, VertxTestContext ctx) {
    PresenceConfig shortTimeout =
        new PresenceConfig(100, LIST_INTERVAL, Duration.ofMillis(150), 500, PAUSE_LIMIT, 10);
    deploy(vertx, shortTimeout)
        .compose(
            presence ->
                listenToRoom(
                        vertx,
                        EVENT,
                        msg -> {
                          if ("participant_left".equals(msg.getString("type"))
                              && "dead-user".equals(msg.getString("user_id"))) {
                            ctx.completeNow();
                          }
                        })
                    .compose(
                        v ->
                            presence
                                .join(EVENT, listener("nodeless", null, "s0"))
                                .transform(
                                    ar ->
                                        presence.join(
                                            EVENT, listener("dead-user", "node-dead", "s2")))))
        .onComplete(ctx.succeeding(v -> {}));
    // the sweep runs every 100 ms and the node times out after 150 ms: well within the bound
    vertx.setTimer(2_000, t -> ctx.failNow("dead-user was never removed"));
  }
}
