package dev.podium.room;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the operations of one event one at a time, even when they wait on other services in the
 * middle (an invitation first asks presence whether the target is there). Different events do not
 * wait for each other. Used from the service's single event loop.
 */
final class EventQueue {
  private final Map<String, Future<Void>> tails = new HashMap<>();

  <T> Future<T> submit(String eventId, Supplier<Future<T>> operation) {
    Future<Void> tail = tails.getOrDefault(eventId, Future.succeededFuture());
    Promise<T> result = Promise.promise();
    Future<Void> next =
        tail.transform(
            previous -> {
              Future<T> run;
              try {
                run = operation.get();
                if (run == null) {
                  run =
                      Future.failedFuture(
                          new IllegalStateException("operation returned no Future"));
                }
              } catch (Throwable refused) {
                // Even an Error must reach the caller; otherwise it would only see a proxy timeout.
                run = Future.failedFuture(refused);
              }
              run.onComplete(result);
              return run.<Void>mapEmpty().otherwiseEmpty();
            });
    tails.put(eventId, next);
    next.onComplete(done -> tails.remove(eventId, next));
    return result.future();
  }
}
