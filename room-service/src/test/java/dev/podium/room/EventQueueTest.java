package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link EventQueue} on a real Vert.x, used as the service uses it: from one event-loop context,
 * with operations that finish later (timers stand in for event-bus calls).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, timeUnit = TimeUnit.SECONDS)
class EventQueueTest {

  /** Runs {@code body} on one event-loop context, as the service does; a throw fails the test. */
  private static void onContext(Vertx vertx, VertxTestContext test, Runnable body) {
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> test.verify(body::run));
  }

  /** A future that completes with {@code value} after {@code delayMs}. */
  private static <T> Future<T> later(Vertx vertx, long delayMs, T value) {
    Promise<T> promise = Promise.promise();
    vertx.setTimer(delayMs, id -> promise.complete(value));
    return promise.future();
  }

  @Test
  void operationsOfOneEventRunOneAfterAnother(Vertx vertx, VertxTestContext test) {
    EventQueue queue = new EventQueue();
    List<String> log = new ArrayList<>();
    onContext(
        vertx,
        test,
        () -> {
          List<Future<Integer>> results = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            int n = i;
            // the earlier an operation, the longer it takes: without the queue they would end in
            // reverse
            results.add(
                queue.submit(
                    "e1",
                    () -> {
                      log.add("start " + n);
                      return later(vertx, 50 - 10L * n, n).onComplete(ar -> log.add("end " + n));
                    }));
          }
          assertFalse(
              log.contains("start 1"),
              "the second operation started before the first ended: " + log);
          Future.all(results)
              .onComplete(
                  test.succeeding(
                      all ->
                          test.verify(
                              () -> {
                                assertEquals(
                                    List.of(
                                        "start 0", "end 0", "start 1", "end 1", "start 2", "end 2",
                                        "start 3", "end 3", "start 4", "end 4"),
                                    log);
                                for (int i = 0; i < 5; i++) {
                                  assertEquals(
                                      i,
                                      results.get(i).result(),
                                      "each caller gets its own operation's result");
                                }
                                test.completeNow();
                              })));
        });
  }

  @Test
  void aFailingOrThrowingOperationDoesNotBlockTheNextAndFailsOnlyItsOwnCaller(
      Vertx vertx, VertxTestContext test) {
    EventQueue queue = new EventQueue();
    List<String> log = new ArrayList<>();
    RuntimeException failedLater = new IllegalStateException("failed later");
    RuntimeException thrown = new IllegalArgumentException("thrown");
    RuntimeException failedNow = new UnsupportedOperationException("failed now");
    onContext(
        vertx,
        test,
        () -> {
          Future<String> first =
              queue.submit(
                  "e1",
                  () -> {
                    log.add("start failing-later");
                    Promise<String> p = Promise.promise();
                    vertx.setTimer(
                        30,
                        id -> {
                          log.add("end failing-later");
                          p.fail(failedLater);
                        });
                    return p.future();
                  });
          Future<String> second =
              queue.submit(
                  "e1",
                  () -> {
                    log.add("throwing");
                    throw thrown;
                  });
          Future<String> third =
              queue.submit(
                  "e1",
                  () -> {
                    log.add("failing-now");
                    return Future.failedFuture(failedNow);
                  });
          Future<String> fourth =
              queue.submit(
                  "e1",
                  () -> {
                    log.add("start ok");
                    return later(vertx, 10, "ok").onComplete(ar -> log.add("end ok"));
                  });
          Future.join(first, second, third, fourth)
              .onComplete(
                  done ->
                      test.verify(
                          () -> {
                            assertSame(
                                failedLater,
                                first.cause(),
                                "the first caller sees its own failure");
                            assertSame(
                                thrown, second.cause(), "the thrown exception reaches its caller");
                            assertSame(failedNow, third.cause());
                            assertTrue(fourth.succeeded(), () -> "fourth: " + fourth.cause());
                            assertEquals("ok", fourth.result());
                            assertEquals(
                                List.of(
                                    "start failing-later",
                                    "end failing-later",
                                    "throwing",
                                    "failing-now",
                                    "start ok",
                                    "end ok"),
                                log);
                            test.completeNow();
                          }));
        });
  }

  @Test
  void differentEventsDoNotWaitForEachOther(Vertx vertx, VertxTestContext test) {
    EventQueue queue = new EventQueue();
    List<String> log = new ArrayList<>();
    onContext(
        vertx,
        test,
        () -> {
          Promise<String> longOperation =
              Promise.promise(); // completed by the test, after B is done
          Future<String> a1 =
              queue.submit(
                  "A",
                  () -> {
                    log.add("A1 start");
                    return longOperation.future();
                  });
          Future<String> a2 =
              queue.submit(
                  "A",
                  () -> {
                    log.add("A2 start");
                    return Future.succeededFuture("a2");
                  });
          Future<String> b =
              queue.submit(
                  "B",
                  () -> {
                    log.add("B start");
                    return later(vertx, 20, "b");
                  });
          b.onComplete(
              test.succeeding(
                  result ->
                      test.verify(
                          () -> {
                            assertEquals("b", result);
                            assertFalse(a1.isComplete(), "A's long operation is still pending");
                            assertEquals(
                                List.of("A1 start", "B start"),
                                log,
                                "A's second operation waits for A's first, B does not");
                            longOperation.complete("a1");
                            a2.onComplete(
                                test.succeeding(
                                    r2 ->
                                        test.verify(
                                            () -> {
                                              assertEquals("a1", a1.result());
                                              assertEquals("a2", r2);
                                              assertEquals(
                                                  List.of("A1 start", "B start", "A2 start"), log);
                                              test.completeNow();
                                            })));
                          })));
        });
  }

  @Test
  void anEventWhoseQueueDrainedRunsTheNextOperationRightAway(Vertx vertx, VertxTestContext test) {
    EventQueue queue = new EventQueue();
    onContext(
        vertx,
        test,
        () ->
            queue
                .submit("e1", () -> later(vertx, 5, 1))
                .compose(one -> queue.submit("e1", () -> Future.succeededFuture(one + 1)))
                .compose(two -> queue.submit("e1", () -> later(vertx, 5, two + 1)))
                .onComplete(
                    test.succeeding(
                        three ->
                            test.verify(
                                () -> {
                                  assertEquals(3, three);
                                  test.completeNow();
                                }))));
  }

  /**
   * Many operations on two events, with random durations and random failures: per event never more
   * than one running and in submission order; across events, both run at the same time.
   */
  @Test
  void randomLoadOnTwoEvents(Vertx vertx, VertxTestContext test) {
    EventQueue queue = new EventQueue();
    Random random = new Random(7);
    Map<String, int[]> running = Map.of("A", new int[1], "B", new int[1]);
    Map<String, List<Integer>> started = Map.of("A", new ArrayList<>(), "B", new ArrayList<>());
    int[] bothRunning = new int[1];
    List<String> overlaps = new ArrayList<>(); // recorded, not asserted inside an operation
    onContext(
        vertx,
        test,
        () -> {
          List<Future<Integer>> results = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            int n = i;
            String event = random.nextBoolean() ? "A" : "B";
            long delay = 1 + random.nextInt(5);
            int kind = random.nextInt(10);
            results.add(
                queue.submit(
                    event,
                    () -> {
                      int[] count = running.get(event);
                      count[0]++;
                      if (count[0] != 1) {
                        overlaps.add(event + " at operation " + n);
                      }
                      started.get(event).add(n);
                      if (running.get("A")[0] == 1 && running.get("B")[0] == 1) {
                        bothRunning[0]++;
                      }
                      if (kind == 0) {
                        count[0]--;
                        throw new IllegalStateException("refused " + n);
                      }
                      Promise<Integer> p = Promise.promise();
                      vertx.setTimer(
                          delay,
                          id -> {
                            count[0]--;
                            if (kind == 1) {
                              p.fail("failed " + n);
                            } else {
                              p.complete(n);
                            }
                          });
                      return p.future();
                    }));
          }
          Future.join(results)
              .onComplete(
                  done ->
                      test.verify(
                          () -> {
                            for (int i = 0; i < results.size(); i++) {
                              Future<Integer> r = results.get(i);
                              assertTrue(r.isComplete(), "operation " + i + " never answered");
                              if (r.succeeded()) {
                                assertEquals(i, r.result());
                              } else {
                                assertTrue(
                                    r.cause().getMessage().endsWith(" " + i),
                                    "operation " + i + " got " + r.cause());
                              }
                            }
                            for (String event : List.of("A", "B")) {
                              List<Integer> order = started.get(event);
                              assertEquals(
                                  order.stream().sorted().toList(),
                                  order,
                                  "event " + event + " out of order");
                              assertEquals(0, running.get(event)[0]);
                            }
                            assertEquals(
                                List.of(), overlaps, "two operations of one event running at once");
                            assertEquals(100, started.get("A").size() + started.get("B").size());
                            assertTrue(
                                bothRunning[0] > 0, "the two events never ran at the same time");
                            test.completeNow();
                          }));
        });
  }

  /** An Error (not a RuntimeException) thrown by an operation still must not stall the event. */
  @Test
  void anOperationThrowingAnErrorDoesNotBlockTheNext(Vertx vertx, VertxTestContext test) {
    EventQueue queue = new EventQueue();
    onContext(
        vertx,
        test,
        () -> {
          queue.submit(
              "e1",
              () -> {
                throw new AssertionError("boom");
              });
          queue
              .submit("e1", () -> later(vertx, 5, "next"))
              .onComplete(
                  test.succeeding(
                      r ->
                          test.verify(
                              () -> {
                                assertEquals("next", r);
                                test.completeNow();
                              })));
        });
  }

  @Test
  void anOperationThrowingAnErrorFailsItsCaller(Vertx vertx, VertxTestContext test) {
    EventQueue queue = new EventQueue();
    AssertionError boom = new AssertionError("boom");
    onContext(
        vertx,
        test,
        () ->
            queue
                .<String>submit(
                    "e1",
                    () -> {
                      throw boom;
                    })
                .onComplete(
                    test.failing(
                        e ->
                            test.verify(
                                () -> {
                                  assertSame(boom, e);
                                  test.completeNow();
                                }))));
  }

  /**
   * A caller's operation held behind a slow one past its limit is refused unrun (its caller has
   * given up: applying it would contradict the error it was told); one within the limit runs, and
   * an unlimited one (a timer's) always runs.
   */
  @Test
  void anOperationThatWaitedPastItsLimitIsRefusedUnrun(Vertx vertx, VertxTestContext test) {
    long[] now = {0};
    EventQueue queue = new EventQueue(() -> now[0]);
    List<String> ran = new ArrayList<>();
    onContext(
        vertx,
        test,
        () -> {
          Promise<String> slow = Promise.promise();
          queue.submit("e1", slow::future);
          Future<String> late =
              queue.submit(
                  "e1",
                  2_000,
                  () -> {
                    ran.add("late");
                    return Future.succeededFuture("late");
                  });
          Future<String> timer =
              queue.submit(
                  "e1",
                  () -> {
                    ran.add("timer");
                    return Future.succeededFuture("timer");
                  });
          now[0] = 2_001;
          slow.complete("slow");
          Future<String> prompt =
              queue.submit(
                  "e1",
                  2_000,
                  () -> {
                    ran.add("prompt");
                    return Future.succeededFuture("prompt");
                  });
          Future.join(late, timer, prompt)
              .onComplete(
                  done ->
                      test.verify(
                          () -> {
                            assertTrue(late.failed(), "waited 2001 of at most 2000");
                            assertEquals(
                                dev.podium.api.ErrorCode.SERVICE_UNAVAILABLE,
                                dev.podium.api.ErrorCode.of(late.cause()));
                            assertEquals(List.of("timer", "prompt"), ran);
                            test.completeNow();
                          }));
        });
  }
}
