package dev.podium.gateway.ws;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Running work on the event loop that owns a socket or a room. */
public final class Loops {
  private Loops() {
  }

  /**
   * Runs the task on {@code context}: at once when the caller is already on it, else as a task
   * queued on it. Tasks queued from one thread run in the order they were queued, and a caller
   * either always is or never is on a given loop, so one source's tasks never overtake each other.
   */
  public static void run(Context context, Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }
}
