package dev.podium.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Drives a service's classes from a test thread: they are used from one event loop, so each step
 * runs there, and the test waits for its result (bounded, so a step that never completes fails the
 * test instead of hanging it).
 */
public final class OnContext {
  private OnContext() {}

  /** Runs {@code action} on {@code context} and waits up to 5 s for the future it returns. */
  public static <T> T await(Context context, Supplier<Future<T>> action)
      throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v ->
            action
                .get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        result.complete(ar.result());
                      } else {
                        result.completeExceptionally(ar.cause());
                      }
                    }));
    return result.get(5, TimeUnit.SECONDS);
  }
}
