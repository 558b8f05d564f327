package dev.podium.gateway.ws;

import java.util.concurrent.atomic.AtomicLong;

/** This gateway node's media frame counters: written to sockets, and dropped because a socket was behind. */
public final class MediaStats {
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  void delivered() {
    delivered.incrementAndGet();
  }

  void dropped() {
    dropped.incrementAndGet();
  }

  public long deliveredFrames() {
    return delivered.get();
  }

  public long droppedFrames() {
    return dropped.get();
  }
}
