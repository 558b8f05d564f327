package dev.podium.runtime;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.HashSet;
import java.util.Set;

/**
 * Which of this process's event-loop threads carry which busy work, so that an all-in-one can keep
 * the media relay's clock off the threads that write to the listeners' sockets. Vert.x hands each
 * new verticle the next event loop of its pool, round-robin, and every context created elsewhere (a
 * cluster callback on a thread of its own) moves that turn on, so where a verticle lands is not
 * known in advance: a verticle records its thread when it starts, and whoever composes the process
 * looks.
 */
public final class LoopThreads {
  /** A gateway loop: reads its sockets and writes every room message and frame to them. */
  public static final String GATEWAY = "gateway";

  private static final String MAP = "podium.runtime.loop-threads";

  private LoopThreads() {}

  /** Records the calling thread (a verticle's event loop) as carrying {@code role}. */
  public static void claim(Vertx vertx, String role) {
    vertx.sharedData().<String, String>getLocalMap(MAP).put(Thread.currentThread().getName(), role);
  }

  /** The names of the threads recorded as carrying {@code role}. */
  public static Set<String> of(Vertx vertx, String role) {
    LocalMap<String, String> threads = vertx.sharedData().getLocalMap(MAP);
    Set<String> found = new HashSet<>();
    threads.forEach(
        (thread, claimed) -> {
          if (claimed.equals(role)) {
            found.add(thread);
          }
        });
    return found;
  }
}
