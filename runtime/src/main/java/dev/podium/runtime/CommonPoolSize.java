package dev.podium.runtime;

import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

/**
 * Keeps Hazelcast from starting a thread for every callback of an asynchronous call. Hazelcast runs
 * those callbacks on the JDK's common {@link ForkJoinPool}, unless that pool's parallelism is 1,
 * and then it starts a new thread for each. The JDK sizes the pool at one less than the cores, so
 * on a 2-core machine (a common cloud size) every chat line, every join's cluster write and every
 * ownership lookup cost a thread start: about one per join in the bench. A parallelism of 2 makes
 * Hazelcast use the pool. Set in {@link ServiceLauncher} before anything uses the pool, since the
 * JDK reads the setting once; an operator's own {@code
 * -Djava.util.concurrent.ForkJoinPool.common.parallelism} is kept.
 */
final class CommonPoolSize {
  static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /** The smallest parallelism at which Hazelcast runs callbacks on the pool. */
  static final int MINIMUM = 2;

  private CommonPoolSize() {}

  /**
   * Raises the common pool's parallelism to {@link #MINIMUM} unless set already; returns a warning
   * when the pool ends up smaller (set by the operator, or used before this ran).
   */
  static Optional<String> ensure() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, Integer.toString(MINIMUM));
    }
    int parallelism = ForkJoinPool.getCommonPoolParallelism();
    if (parallelism >= MINIMUM) {
      return Optional.empty();
    }
    return Optional.of(
        "the JDK's common ForkJoinPool has a parallelism of "
            + parallelism
            + " ("
            + PROPERTY
            + "="
            + System.getProperty(PROPERTY)
            + "): Hazelcast starts a thread for every asynchronous callback below "
            + MINIMUM);
  }
}
