package dev.podium.gateway.ws;

/**
 * How long a socket's write queue has been full, to tell a client that stopped reading from a queue
 * filled by a burst. After a network fault heals, audio held up on the way arrives all at once and
 * fills a healthy socket's queue within milliseconds (the fault suite logged 14-18 frames dropped
 * within 0-8 ms before such closes); the client drains it as fast. A socket counts as a slow
 * consumer only once its queue has stayed full for {@link #SLOW_AFTER_MS}. Used on the socket's
 * loop only.
 */
final class WriteQueueWatch {
  /** A queue full this long belongs to a client that is not reading. */
  static final long SLOW_AFTER_MS = 2_000;

  private long fullSince = -1;

  /**
   * Records the queue's state at a write.
   *
   * @return how long (ms) the queue has been full without a break, or -1 when it is not full
   */
  long observe(boolean full, long nowNanos) {
    if (!full) {
      fullSince = -1;
      return -1;
    }
    if (fullSince < 0) {
      fullSince = nowNanos;
    }
    return (nowNanos - fullSince) / 1_000_000;
  }
}
