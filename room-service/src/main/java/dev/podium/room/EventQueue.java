package dev.podium.room;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs the operations of one event one at a time, even when they wait on other services in the
 * middle (an invitation first asks presence whether the target is there). Different events do not
 * wait for each other. Used from the service's single event loop.
 */
final class EventQueue {
  /** No limit on the wait: for the event's own timers, which nobody waits for. */
  static final long UNLIMITED = Long.MAX_VALUE;

  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final LongSupplier nanoClock;

  EventQueue() {
    this(System::nanoTime);
  }

  EventQueue(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  <T> Future<T> submit(String eventId, Supplier<Future<T>> operation) {
    return submit(eventId, UNLIMITED, operation);
  }

  /**
   * As {@link #submit(String, Supplier)}, refused with {@code service_unavailable} instead of run
   * if the event's earlier operations held it for longer than {@code maxWaitNanos}: its caller has
   * given up by then (or is about to), and an operation applied after its caller was told it failed
   * is worse than one refused.
   */
  <T> Future<T> submit(String eventId, long maxWaitNanos, Supplier<Future<T>> operation) {
    Future<Void> tail = tails.getOrDefault(eventId, Future.succeededFuture());
    Promise<T> result = Promise.promise();
    long queuedAt = nanoClock.getAsLong();
    Future<Void> next =
        tail.transform(
            previous -> {
              Future<T> run;
              try {
                long waited = nanoClock.getAsLong() - queuedAt;
                run =
                    waited > maxWaitNanos
                        ? Future.failedFuture(
                            ErrorCode.SERVICE_UNAVAILABLE.exception(
                                "The event's earlier actions took too long; try again"))
                        : operation.get();
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
