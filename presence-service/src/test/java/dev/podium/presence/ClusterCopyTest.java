package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.presence.Participant;
import dev.podium.runtime.ownership.FencedStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster copy of presence on a local Vert.x (its shared maps stand in for the cluster's): the
 * writes a join burst costs, and fencing between two instances that both think they own an event.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ClusterCopyTest {
  private static final String EVENT = "ev-copy";

  /** One instance's side: its memberships and its copy. */
  private static final class Side {
    final Memberships members = new Memberships();
    final List<String> fenced = new ArrayList<>();
    final ClusterCopy copy;

    Side(Vertx vertx, String instanceId) {
      copy =
          new ClusterCopy(
              vertx,
              new FencedStore(vertx, ClusterCopy.EVENTS, instanceId, () -> 0),
              new FencedStore(vertx, ClusterCopy.STREAMS, instanceId, () -> 0),
              members,
              fenced::add,
              new ClusterCopy.EntryListener() {
                @Override
                public void written(String eventId, JsonObject entry) {}

                @Override
                public void removed(String eventId) {}
              });
    }

    Future<Void> takeIn(boolean create) {
      return copy.claim(EVENT, create)
          .map(
              held -> {
                copy.adopt(held);
                return null;
              });
    }

    void join(String userId) {
      members.join(
          EVENT,
          new Participant(
              userId, userId, Participant.ROLE_LISTENER, true, "node-a", "s-" + userId));
      copy.changed(EVENT);
    }
  }

  private static Future<List<String>> stored(Vertx vertx) {
    return new FencedStore(vertx, ClusterCopy.EVENTS, "reader", () -> 0)
        .get(EVENT)
        .map(
            data ->
                data == null
                    ? List.of()
                    : EventRecord.members(data).stream().map(Participant::userId).toList());
  }

  /**
   * Polls the condition on the context (bounded by the test's timeout): writes land asynchronously.
   */
  private static Future<Void> until(Vertx vertx, Supplier<Future<Boolean>> condition) {
    Promise<Void> done = Promise.promise();
    condition
        .get()
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result()) {
                done.complete();
              } else {
                vertx.setTimer(20, t -> until(vertx, condition).onComplete(done));
              }
            });
    return done.future();
  }

  @Test
  void aBurstOfJoinsIntoALargeRoomCostsAFewWritesAndKeepsJoinOrder(
      Vertx vertx, VertxTestContext ctx) {
    int joiners = 300;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < joiners; i++) {
      expected.add("u" + i);
    }
    vertx.runOnContext(
        v -> {
          Side side = new Side(vertx, "a");
          side.takeIn(true)
              .compose(
                  x -> {
                    expected.forEach(side::join);
                    return until(vertx, () -> stored(vertx).map(expected::equals));
                  })
              .onComplete(
                  ctx.succeeding(
                      x ->
                          ctx.verify(
                              () -> {
                                // The first join is written at once, the rest wait for it and for
                                // the spacing (75 ms at 300).
                                assertTrue(
                                    side.copy.writes() <= 3,
                                    side.copy.writes() + " writes for " + joiners + " joins");
                                assertTrue(side.fenced.isEmpty());
                                ctx.completeNow();
                              })));
        });
  }

  @Test
  void joinsArrivingWhileAWriteIsInFlightAreWrittenNext(Vertx vertx, VertxTestContext ctx) {
    JsonObject stream =
        new JsonObject().put("event_id", EVENT).put("started_at", "2025-03-01T10:00:00Z");
    vertx.runOnContext(
        v -> {
          Side side = new Side(vertx, "a");
          side.takeIn(true)
              .compose(
                  x -> {
                    side.copy.stream(EVENT, stream);
                    side.join("host");
                    Promise<Void> joined = Promise.promise();
                    // One join per event-loop turn, as they come from a gateway.
                    vertx.setTimer(
                        5,
                        t1 -> {
                          side.join("l1");
                          vertx.setTimer(
                              1,
                              t2 -> {
                                side.join("l2");
                                vertx.setTimer(
                                    1,
                                    t3 -> {
                                      side.join("l3");
                                      joined.complete();
                                    });
                              });
                        });
                    return joined.future();
                  })
              .compose(
                  x ->
                      until(
                          vertx,
                          () -> stored(vertx).map(List.of("host", "l1", "l2", "l3")::equals)))
              .onComplete(ctx.succeedingThenComplete());
        });
  }

  @Test
  void aStaleOwnersWriteIsRefusedAndItDropsTheEvent(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(
        v -> {
          Side stale = new Side(vertx, "a");
          Side next = new Side(vertx, "b");
          stale
              .takeIn(true)
              .compose(
                  x -> {
                    stale.join("u1");
                    return until(vertx, () -> stored(vertx).map(List.of("u1")::equals));
                  })
              .compose(x -> next.takeIn(false))
              .compose(
                  x -> {
                    ctx.verify(
                        () ->
                            assertEquals(
                                List.of("u1"),
                                next.members.members(EVENT).stream()
                                    .map(Participant::userId)
                                    .toList(),
                                "the new owner took the members over"));
                    // The old owner, unaware, changes the event: refused, and it lets the event go.
                    stale.join("ghost");
                    return until(vertx, () -> Future.succeededFuture(!stale.fenced.isEmpty()));
                  })
              .compose(
                  x -> {
                    next.join("u2");
                    return until(vertx, () -> stored(vertx).map(List.of("u1", "u2")::equals));
                  })
              .compose(x -> new FencedStore(vertx, ClusterCopy.EVENTS, "reader", () -> 0).all())
              .onComplete(
                  ctx.succeeding(
                      all ->
                          ctx.verify(
                              () -> {
                                assertEquals(List.of(EVENT), stale.fenced);
                                assertFalse(stale.copy.holds(EVENT));
                                assertTrue(next.copy.holds(EVENT));
                                assertEquals(1, all.size());
                                ctx.completeNow();
                              })));
        });
  }

  @Test
  void anEndedEventLeavesNothingAndAStaleEndIsRefused(Vertx vertx, VertxTestContext ctx) {
    JsonObject stream =
        new JsonObject().put("event_id", EVENT).put("started_at", "2025-03-01T10:00:00Z");
    vertx.runOnContext(
        v -> {
          Side stale = new Side(vertx, "a");
          Side next = new Side(vertx, "b");
          FencedStore streams = new FencedStore(vertx, ClusterCopy.STREAMS, "reader", () -> 0);
          stale
              .takeIn(true)
              .compose(
                  x -> {
                    stale.copy.stream(EVENT, stream);
                    stale.join("u1");
                    return until(
                        vertx,
                        () ->
                            streams
                                .get(EVENT)
                                .map(s -> s != null && s.getInteger("participant_count") == 1));
                  })
              .compose(x -> next.takeIn(false))
              .compose(
                  x ->
                      stale
                          .copy
                          .end(EVENT)
                          .transform(
                              ar -> {
                                ctx.verify(
                                    () ->
                                        assertTrue(
                                            ar.failed(),
                                            "the stale owner cannot remove the new owner's record"));
                                return next.copy.end(EVENT);
                              }))
              .compose(
                  x ->
                      stored(vertx)
                          .compose(
                              members -> streams.get(EVENT).map(s -> List.of(members, s == null))))
              .onComplete(
                  ctx.succeeding(
                      result ->
                          ctx.verify(
                              () -> {
                                assertEquals(
                                    List.of(List.of(), true),
                                    result,
                                    "no record and no list entry left");
                                ctx.completeNow();
                              })));
        });
  }

  @Test
  void spacingGrowsWithEveryStartedHundred() {
    assertEquals(25, ClusterCopy.spacing(0));
    assertEquals(25, ClusterCopy.spacing(100));
    assertEquals(50, ClusterCopy.spacing(101));
    assertEquals(250, ClusterCopy.spacing(1_000));
  }
}
