package dev.podium.gateway.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Hands the outcome of shared work back to the event loop that asked for it. The key cache and the
 * user directory are shared by all loops of a gateway, so a caller may join a fetch another loop
 * started, and Vert.x runs a Future's callbacks on the context that completes it: without this hop
 * the caller's continuation (its socket's admission) would run on the other loop.
 */
final class CallersContext {
  private CallersContext() {}

  /**
   * {@code result}, completed on the calling context (at once when it already is there); as is off
   * Vert.x.
   */
  static <T> Future<T> of(Future<T> result) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return result;
    }
    Promise<T> back = Promise.promise();
    result.onComplete(
        ar -> {
          if (Vertx.currentContext() == caller) {
            back.handle(ar);
          } else {
            caller.runOnContext(v -> back.handle(ar));
          }
        });
    return back.future();
  }
}
