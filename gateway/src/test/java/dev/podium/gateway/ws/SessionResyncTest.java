package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.presence.Participant;
import dev.podium.api.presence.ResyncBatch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class SessionResyncTest {
  private static List<ResyncBatch.Carried> sessions(int n) {
    List<ResyncBatch.Carried> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(
          new ResyncBatch.Carried(
              new Participant("u" + i, "name", Participant.ROLE_LISTENER, true, "node-1", "s" + i),
              i == 1));
    }
    return list;
  }

  @Test
  void sendsTheEventsSessionsInBatchesOneInFlight(Vertx vertx, VertxTestContext test) {
    List<JsonObject> batches = new ArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "reply",
            msg -> {
              mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              batches.add(msg.body());
              // Presence answers a moment later: the next batch must wait for it.
              vertx.setTimer(
                  20,
                  t -> {
                    inFlight.decrementAndGet();
                    msg.reply(null);
                  });
            });
    SessionResync resync =
        new SessionResync(
            vertx, "node-1", eventId -> "ev".equals(eventId) ? sessions(250) : List.of());
    resync
        .reannounce("ev", "reply")
        .onComplete(
            test.succeeding(
                v ->
                    test.verify(
                        () -> {
                          assertEquals(
                              3,
                              batches.size(),
                              "250 sessions in batches of " + SessionResync.BATCH);
                          assertEquals(1, mostInFlight.get(), "one batch in flight");
                          assertEquals(
                              List.of(100, 100, 50),
                              batches.stream()
                                  .map(b -> b.getJsonArray("participants").size())
                                  .toList());
                          assertEquals(
                              List.of(false, false, true),
                              batches.stream().map(b -> b.getBoolean("done")).toList());
                          assertTrue(
                              batches.stream()
                                  .allMatch(
                                      b ->
                                          "node-1".equals(b.getString("node_id"))
                                              && "ev".equals(b.getString("event_id"))));
                          assertEquals(
                              "s0",
                              batches
                                  .get(0)
                                  .getJsonArray("participants")
                                  .getJsonObject(0)
                                  .getString("session_id"));
                          assertTrue(
                              batches
                                  .get(0)
                                  .getJsonArray("participants")
                                  .getJsonObject(1)
                                  .getBoolean("joining"),
                              "a join in flight says so");
                          assertEquals(
                              null,
                              batches
                                  .get(0)
                                  .getJsonArray("participants")
                                  .getJsonObject(0)
                                  .getBoolean("joining"));
                          test.completeNow();
                        })));
  }

  @Test
  void aNodeWithoutSessionsStillSaysItIsDone(Vertx vertx, VertxTestContext test) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "reply",
            msg -> {
              test.verify(
                  () -> {
                    assertEquals(0, msg.body().getJsonArray("participants").size());
                    assertTrue(msg.body().getBoolean("done"));
                  });
              msg.reply(null);
            });
    new SessionResync(vertx, "node-1", eventId -> List.of())
        .reannounce("ev", "reply")
        .onComplete(test.succeeding(v -> test.completeNow()));
  }

  @Test
  void aRefusedBatchStopsTheResync(Vertx vertx, VertxTestContext test) {
    AtomicInteger received = new AtomicInteger();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "reply",
            msg -> {
              received.incrementAndGet();
              msg.fail(404, "no resync of this event here");
            });
    new SessionResync(vertx, "node-1", eventId -> sessions(250))
        .reannounce("ev", "reply")
        .onComplete(
            test.failing(
                e ->
                    test.verify(
                        () -> {
                          assertEquals(1, received.get(), "nothing sent after a refusal");
                          test.completeNow();
                        })));
  }

  @Test
  void answersAPublishedRequest(Vertx vertx, VertxTestContext test) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "reply-9",
            msg -> {
              test.verify(() -> assertEquals(1, msg.body().getJsonArray("participants").size()));
              msg.reply(null);
              test.completeNow();
            });
    new SessionResync(vertx, "node-1", eventId -> sessions(1))
        .start()
        .onSuccess(
            v ->
                vertx
                    .eventBus()
                    .publish(
                        dev.podium.api.Addresses.PRESENCE_RESYNC,
                        new JsonObject().put("event_id", "ev").put("reply_to", "reply-9")));
  }

  /**
   * A join in flight when presence asked may be answered by the instance that had the event before:
   * once answered, the session is sent again so the new owner lists it; a join that failed is not.
   */
  @Test
  void aJoinAnsweredAfterTheResyncIsSentAgain(Vertx vertx, VertxTestContext test) {
    List<JsonObject> batches = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean settled =
        new java.util.concurrent.atomic.AtomicBoolean();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "reply",
            msg -> {
              batches.add(msg.body());
              msg.reply(null);
              if (batches.size() == 1) {
                // s1's join is answered; s2's failed and its socket is gone.
                settled.set(true);
              } else {
                test.verify(
                    () -> {
                      JsonObject again = msg.body();
                      assertEquals(1, again.getJsonArray("participants").size(), again.encode());
                      JsonObject p = again.getJsonArray("participants").getJsonObject(0);
                      assertEquals("s1", p.getString("session_id"));
                      assertEquals(null, p.getBoolean("joining"), "answered: no longer joining");
                    });
              }
            });
    SessionResync resync =
        new SessionResync(
            vertx,
            "node-1",
            eventId -> {
              List<ResyncBatch.Carried> list = new ArrayList<>();
              list.add(carried("s0", false));
              list.add(carried("s1", !settled.get()));
              if (!settled.get()) {
                list.add(carried("s2", true));
              }
              return list;
            },
            50,
            3_000);
    resync
        .reannounce("ev", "reply")
        .onComplete(
            test.succeeding(
                v ->
                    test.verify(
                        () -> {
                          assertEquals(2, batches.size(), "completes after the second batch");
                          test.completeNow();
                        })));
  }

  /** Nothing was joining: no second batch. */
  @Test
  void noJoinInFlightNoSecondBatch(Vertx vertx, VertxTestContext test) {
    AtomicInteger received = new AtomicInteger();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "reply",
            msg -> {
              received.incrementAndGet();
              msg.reply(null);
            });
    SessionResync resync =
        new SessionResync(vertx, "node-1", eventId -> List.of(carried("s0", false)), 20, 3_000);
    // The resync completes after its last batch, a second one included: nothing can follow.
    resync
        .reannounce("ev", "reply")
        .onComplete(
            test.succeeding(
                v ->
                    test.verify(
                        () -> {
                          assertEquals(1, received.get());
                          test.completeNow();
                        })));
  }

  /**
   * A presence instance that took in many events at once may answer late: the batch goes again (it
   * changes nothing twice), and the resync carries on.
   */
  @Test
  void aBatchNotAnsweredInTimeIsSentAgain(Vertx vertx, VertxTestContext test) {
    List<JsonObject> received = new ArrayList<>();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "reply",
            msg -> {
              received.add(msg.body());
              if (received.size() > 1) { // the first one is left unanswered
                msg.reply(null);
              }
            });
    new SessionResync(vertx, "node-1", eventId -> sessions(3), 3_500, 100)
        .reannounce("ev", "reply")
        .onComplete(
            test.succeeding(
                v ->
                    test.verify(
                        () -> {
                          assertEquals(2, received.size(), "the unanswered batch, then again");
                          assertEquals(received.get(0), received.get(1), "the same batch");
                          assertTrue(received.get(1).getBoolean("done"));
                          test.completeNow();
                        })));
  }

  /** A presence instance that never answers is tried a bounded number of times. */
  @Test
  void aPresenceThatNeverAnswersIsTriedABoundedNumberOfTimes(Vertx vertx, VertxTestContext test) {
    AtomicInteger received = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer("reply", msg -> received.incrementAndGet());
    new SessionResync(vertx, "node-1", eventId -> sessions(250), 3_500, 100)
        .reannounce("ev", "reply")
        .onComplete(
            test.failing(
                e ->
                    test.verify(
                        () -> {
                          assertEquals(SessionResync.BATCH_ATTEMPTS, received.get());
                          test.completeNow();
                        })));
  }

  private static ResyncBatch.Carried carried(String sessionId, boolean joining) {
    return new ResyncBatch.Carried(
        new Participant(
            "u-" + sessionId, "name", Participant.ROLE_LISTENER, true, "node-1", sessionId),
        joining);
  }
}
