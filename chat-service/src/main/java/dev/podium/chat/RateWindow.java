package dev.podium.chat;

/**
 * Sliding one-second window of one sender's accepted messages: allows at most {@code limit}
 * in any 1000 ms. Only accepted messages count, so a sender who is refused is not punished longer.
 */
final class RateWindow {
  private final long[] acceptedAt;
  private int next;
  private int size;

  RateWindow(int limit) {
    this.acceptedAt = new long[limit];
  }

  /** Records a message at {@code nowMillis} and returns true, or returns false if it would exceed the limit. */
  boolean tryAcquire(long nowMillis) {
    if (size == acceptedAt.length) {
      long oldest = acceptedAt[next];
      if (nowMillis - oldest < 1000) {
        return false;
      }
    } else {
      size++;
    }
    acceptedAt[next] = nowMillis;
    next = (next + 1) % acceptedAt.length;
    return true;
  }
}
