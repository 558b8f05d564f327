package dev.podium.gateway.ws;

import io.vertx.core.Context;

/** Running work on the event loop that owns a socket or a room. */
public final class Loops {
  private Loops() {}

  /**
   * Runs the task on {@code context}, whose event-loop thread is {@code thread}: at once when the
   * caller is on that thread, else as a task queued on the context. (Threads, not contexts, are
   * compared: Vert.x runs handlers on duplicates of a verticle's context.) Tasks queued from one
   * thread run in the order they were queued, and a caller either always is or never is on a given
   * loop's thread, so one source's tasks never overtake each other.
   */
  public static void run(Context context, Thread thread, Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }
}
