package dev.podium.deploy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded polling, for state no socket message announces: metrics, logs, ownership seen over HTTP
 * or inside another JVM. Everything a client receives is waited on as an event instead ({@link
 * TestSocket#awaitCondition}).
 */
final class Polls {
  private Polls() {}

  /**
   * True as soon as the condition holds, checked every 100 ms; false after {@code timeoutMillis}.
   */
  static boolean eventually(BooleanSupplier condition, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    return true;
  }
}
