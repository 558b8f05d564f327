package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.GatewayControl;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.presence.ResyncBatch;
import dev.podium.api.presence.ResyncRequest;
import dev.podium.runtime.rooms.RoomInbox;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two presence-service instances on one local Vert.x (its shared maps stand in for the cluster's;
 * without Hazelcast the instances of one Vert.x form the ring). Both are active: each owns some
 * events, a call reaching either instance is answered by the event's owner, and when an owner
 * stops, its events move to the other with their members.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class PresenceOwnershipTest {
  private static final PresenceConfig CONFIG =
      new PresenceConfig(
          100, Duration.ofMillis(50), Duration.ofSeconds(30), 500, Duration.ofSeconds(2), 10);

  private static Participant member(String userId, String role) {
    return new Participant(userId, "name-" + userId, role, true, "node-a", "s-" + userId);
  }

  /** Retries the call until it is answered (bounded by the test's timeout). */
  private static <T> Future<T> untilAnswered(Vertx vertx, Supplier<Future<T>> call) {
    Promise<T> answered = Promise.promise();
    call.get()
        .onSuccess(answered::complete)
        .onFailure(e -> vertx.setTimer(50, id -> untilAnswered(vertx, call).onComplete(answered)));
    return answered.future();
  }

  /**
   * Two instances deployed; completes with their deployment ids once each has heard of the other
   * (each owns some events the other does not), or after 5 s.
   */
  private static Future<List<String>> deployTwo(
      Vertx vertx, PresenceServiceVerticle one, PresenceServiceVerticle two) {
    List<String> ids = new ArrayList<>();
    return vertx
        .deployVerticle(one)
        .compose(
            id -> {
              ids.add(id);
              return vertx.deployVerticle(two);
            })
        .compose(
            id -> {
              ids.add(id);
              return bothSeeEachOther(vertx, one, two, System.currentTimeMillis() + 5_000);
            })
        .map(v -> ids);
  }

  private static Future<Void> bothSeeEachOther(
      Vertx vertx, PresenceServiceVerticle one, PresenceServiceVerticle two, long deadline) {
    boolean split = false;
    boolean splitBack = false;
    for (int i = 0; i < 1_000 && !(split && splitBack); i++) {
      split |= one.ownsEvent("probe-" + i) && !two.ownsEvent("probe-" + i);
      splitBack |= two.ownsEvent("probe-" + i) && !one.ownsEvent("probe-" + i);
    }
    if ((split && splitBack) || System.currentTimeMillis() > deadline) {
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(20, t -> bothSeeEachOther(vertx, one, two, deadline).onComplete(later));
    return later.future();
  }

  /**
   * An event id the given instance owns and the other does not. Both are asked: the first one
   * deployed may not have heard of the second yet (and then thinks it owns everything).
   */
  private static String ownedBy(
      PresenceServiceVerticle owner, PresenceServiceVerticle other, String prefix) {
    for (int i = 0; i < 1_000; i++) {
      if (owner.ownsEvent(prefix + i) && !other.ownsEvent(prefix + i)) {
        return prefix + i;
      }
    }
    throw new AssertionError("no event id owned by the instance");
  }

  @Test
  void aStoppedOwnersEventsMoveWithTheirMembersAndTheRoomSeesNoChurn(
      Vertx vertx, VertxTestContext ctx) {
    PresenceServiceVerticle one = new PresenceServiceVerticle(CONFIG);
    PresenceServiceVerticle two = new PresenceServiceVerticle(CONFIG);
    PresenceService presence = PresenceService.createProxy(vertx);
    List<JsonObject> room = new CopyOnWriteArrayList<>();
    String[] event = new String[2];
    deployTwo(vertx, one, two)
        .compose(
            deployments -> {
              event[0] = ownedBy(one, two, "ev-one-");
              event[1] = ownedBy(two, one, "ev-two-");
              ctx.verify(
                  () ->
                      assertTrue(
                          !two.ownsEvent(event[0]) && !one.ownsEvent(event[1]),
                          "one owner per event"));
              String moving = event[0];
              return RoomInbox.listen(vertx, moving, msg -> room.add(msg.body()))
                  .compose(l -> presence.join(moving, member("host", Participant.ROLE_HOST)))
                  .compose(v -> presence.join(moving, member("l1", Participant.ROLE_LISTENER)))
                  .compose(v -> presence.join(moving, member("l2", Participant.ROLE_LISTENER)))
                  .compose(v -> presence.join(moving, member("l3", Participant.ROLE_LISTENER)))
                  .compose(v -> presence.setRole(moving, "l2", Participant.ROLE_COHOST))
                  .compose(v -> presence.leave(moving, "l3", "s-l3"))
                  .compose(v -> presence.join(event[1], member("stays", Participant.ROLE_LISTENER)))
                  .compose(
                      v -> {
                        ctx.verify(
                            () -> {
                              assertEquals(
                                  1, one.ownedEvents(), "each instance holds its own event");
                              assertEquals(1, two.ownedEvents());
                            });
                        room.clear();
                        // A clean stop of the first event's owner: the other takes it over without
                        // waiting for a timeout.
                        return vertx.undeploy(deployments.get(0));
                      });
            })
        .compose(v -> untilAnswered(vertx, () -> presence.page(event[0], 0, 10)))
        .compose(
            page -> {
              ctx.verify(
                  () -> {
                    assertEquals(2, two.ownedEvents(), "the survivor holds both events");
                    assertEquals(3, page.getInteger("total"), page.encode());
                    assertEquals(
                        List.of("host", "l2", "l1"),
                        page.getJsonArray("participants").stream()
                            .map(o -> ((JsonObject) o).getString("user_id"))
                            .toList(),
                        "roles and join order kept");
                    assertEquals(
                        Participant.ROLE_COHOST,
                        page.getJsonArray("participants").getJsonObject(1).getString("role"));
                  });
              // The new owner carries on: a user already present cannot be joined by a guest, a
              // leave
              // of the moved session works, a new join is announced.
              Participant guest =
                  new Participant(
                      "l1", "guest", Participant.ROLE_LISTENER, false, "node-a", "s-guest");
              return presence
                  .join(event[0], guest)
                  .transform(
                      ar -> {
                        ctx.verify(
                            () -> assertEquals(ErrorCode.USER_ID_IN_USE, ErrorCode.of(ar.cause())));
                        return presence.leave(event[0], "l1", "s-l1");
                      });
            })
        .compose(v -> presence.join(event[0], member("l4", Participant.ROLE_LISTENER)))
        .compose(joined -> presence.page(event[1], 0, 10).map(other -> List.of(joined, other)))
        .onComplete(
            ctx.succeeding(
                answers ->
                    ctx.verify(
                        () -> {
                          assertEquals(
                              3, answers.get(0).getInteger("count"), answers.get(0).encode());
                          assertEquals(
                              1,
                              answers.get(1).getInteger("total"),
                              "the survivor's own event is untouched");
                          List<String> types = room.stream().map(m -> m.getString("type")).toList();
                          assertEquals(
                              List.of("l1"),
                              room.stream()
                                  .filter(m -> "participant_left".equals(m.getString("type")))
                                  .map(m -> m.getString("user_id"))
                                  .toList(),
                              "only the real leave is announced: " + types);
                          assertEquals(
                              List.of("l4"),
                              room.stream()
                                  .filter(m -> "participant_joined".equals(m.getString("type")))
                                  .map(m -> m.getString("user_id"))
                                  .toList(),
                              "only the real join is announced: " + types);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aTakenOverEventIsHealedFromTheGatewaysSessions(Vertx vertx, VertxTestContext ctx) {
    PresenceServiceVerticle one = new PresenceServiceVerticle(CONFIG);
    PresenceServiceVerticle two = new PresenceServiceVerticle(CONFIG);
    PresenceService presence = PresenceService.createProxy(vertx);
    List<JsonObject> room = new CopyOnWriteArrayList<>();
    List<String> asked = new CopyOnWriteArrayList<>();
    String[] event = new String[1];
    // The gateway node "node-a": it carries host and l2, and "lost" (whose join the copy lacks);
    // l1's socket is gone (a leave the copy lacks).
    List<Participant> carried =
        List.of(
            member("host", Participant.ROLE_HOST),
            member("l2", Participant.ROLE_LISTENER),
            member("lost", Participant.ROLE_LISTENER));
    vertx
        .eventBus()
        .consumer(
            Addresses.PRESENCE_RESYNC,
            msg -> {
              ResyncRequest request = ResyncRequest.fromJson(msg.body());
              asked.add(request.eventId());
              List<ResyncBatch.Carried> sessions =
                  carried.stream().map(p -> new ResyncBatch.Carried(p, false)).toList();
              vertx
                  .eventBus()
                  .request(
                      request.replyTo(),
                      new ResyncBatch(request.eventId(), "node-a", sessions, true).toJson());
            })
        .completion()
        .compose(v -> deployTwo(vertx, one, two))
        .compose(
            deployments -> {
              event[0] = ownedBy(one, two, "ev-one-");
              return RoomInbox.listen(vertx, event[0], msg -> room.add(msg.body()))
                  .compose(l -> presence.join(event[0], member("host", Participant.ROLE_HOST)))
                  .compose(v -> presence.join(event[0], member("l1", Participant.ROLE_LISTENER)))
                  .compose(v -> presence.join(event[0], member("l2", Participant.ROLE_LISTENER)))
                  .compose(
                      v -> {
                        ctx.verify(
                            () -> assertEquals(List.of(), asked, "a new event is not resynced"));
                        room.clear();
                        return vertx.undeploy(deployments.get(0));
                      });
            })
        .compose(
            v ->
                untilAnswered(
                    vertx,
                    () ->
                        presence
                            .page(event[0], 0, 10)
                            .compose(
                                page ->
                                    page.getInteger("total") == 3 && page.encode().contains("lost")
                                        ? Future.succeededFuture(page)
                                        : Future.failedFuture("not healed yet: " + page.encode()))))
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertEquals(List.of(event[0]), asked, "one resync for the takeover");
                          assertEquals(
                              List.of("host", "l2", "lost"),
                              page.getJsonArray("participants").stream()
                                  .map(o -> ((JsonObject) o).getString("user_id"))
                                  .toList(),
                              "the lost join at the end, l1's leave healed");
                          assertTrue(
                              room.stream()
                                  .noneMatch(m -> "participant_joined".equals(m.getString("type"))),
                              "the room sees no join for the healed one: " + room);
                          assertEquals(
                              List.of("l1"),
                              room.stream()
                                  .filter(m -> "participant_left".equals(m.getString("type")))
                                  .map(m -> m.getString("user_id"))
                                  .toList(),
                              "the healed leave is told to the room, once: " + room);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aUserIsFoundAndTheListAnsweredWhicheverInstanceIsAsked(Vertx vertx, VertxTestContext ctx) {
    PresenceServiceVerticle one = new PresenceServiceVerticle(CONFIG);
    PresenceServiceVerticle two = new PresenceServiceVerticle(CONFIG);
    PresenceService presence = PresenceService.createProxy(vertx);
    List<JsonObject> delivered = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.gatewayControl("node-a"), msg -> delivered.add(msg.body()));
    String[] event = new String[2];
    int asks = 6;
    deployTwo(vertx, one, two)
        .compose(
            deployments -> {
              event[0] = ownedBy(one, two, "ev-one-");
              event[1] = ownedBy(two, one, "ev-two-");
              for (int i = 0; i < 2; i++) {
                vertx
                    .eventBus()
                    .publish(
                        Addresses.ROOM_LIFECYCLE,
                        LifecycleNotice.of(
                            LifecycleNotice.STARTED,
                            new JsonObject()
                                .put("event_id", event[i])
                                .put(
                                    "host",
                                    new JsonObject()
                                        .put("user_id", "h" + i)
                                        .put("username", "Host " + i))
                                .put("started_at", "2025-03-01T10:00:0" + i + "Z")
                                .put("mode", "audio")));
              }
              return presence
                  .join(event[1], member("carol", Participant.ROLE_LISTENER))
                  .compose(v -> presence.join(event[0], member("dave", Participant.ROLE_LISTENER)))
                  .compose(v -> presence.join(event[0], member("erin", Participant.ROLE_LISTENER)));
            })
        .compose(
            v -> {
              // The shared address spreads calls over both instances: each must find carol on the
              // other's event too.
              List<Future<Void>> invites = new ArrayList<>();
              for (int i = 0; i < asks; i++) {
                invites.add(
                    presence.notifyUser(
                        "carol", new JsonObject().put("type", "invite_notification").put("n", i)));
              }
              return Future.all(invites);
            })
        .compose(
            v ->
                presence
                    .notifyUser("nobody", new JsonObject())
                    .transform(
                        ar -> {
                          ctx.verify(
                              () ->
                                  assertEquals(
                                      ErrorCode.USER_OFFLINE,
                                      ErrorCode.of(ar.cause()),
                                      "an offline user is reported"));
                          // Every instance lists both events with their counts (each owner writes
                          // its own events' entries).
                          return untilAnswered(
                              vertx,
                              () ->
                                  presence
                                      .activeStreams()
                                      .compose(
                                          list -> {
                                            List<Integer> counts =
                                                list.getJsonArray("streams").stream()
                                                    .map(
                                                        o ->
                                                            ((JsonObject) o)
                                                                .getInteger("participant_count"))
                                                    .toList();
                                            return counts.equals(List.of(2, 1))
                                                ? Future.succeededFuture(list)
                                                : Future.failedFuture("not yet: " + list.encode());
                                          }));
                        }))
        .compose(
            list ->
                Future.all(
                        List.of(
                            presence.activeStreams(),
                            presence.activeStreams(),
                            presence.activeStreams()))
                    .map(all -> List.of(list, all.resultAt(0), all.resultAt(1), all.resultAt(2))))
        .onComplete(
            ctx.succeeding(
                lists ->
                    ctx.verify(
                        () -> {
                          assertEquals(
                              asks,
                              delivered.stream()
                                  .map(GatewayControl::fromJson)
                                  .filter(
                                      c ->
                                          c instanceof GatewayControl.Deliver
                                              && "s-carol".equals(c.sessionId()))
                                  .count(),
                              "every invitation delivered once");
                          assertEquals(
                              List.of(event[0], event[1]),
                              lists.get(0).getJsonArray("streams").stream()
                                  .map(o -> ((JsonObject) o).getString("event_id"))
                                  .toList(),
                              "in start order");
                          lists.forEach(
                              l ->
                                  assertEquals(
                                      lists.get(0), l, "the same list from every instance"));
                          assertNotEquals(one.ownedEvents(), 0);
                          assertNotEquals(two.ownedEvents(), 0);
                          ctx.completeNow();
                        })));
  }
}
