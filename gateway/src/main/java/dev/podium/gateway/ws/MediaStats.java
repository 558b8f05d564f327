package dev.podium.gateway.ws;

import java.util.concurrent.atomic.AtomicLong;

/**
 * This gateway node's media frame counters: written to sockets, and dropped because a socket was
 * behind.
 */
public final class MediaStats {
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong packets = new AtomicLong();
  private final AtomicLong snapshotsSkipped = new AtomicLong();

  /**
   * A list/count/levels message skipped for a socket that was behind (the next one replaces it).
   */
  void snapshotSkipped() {
    snapshotsSkipped.incrementAndGet();
  }

  public long snapshotsSkipped() {
    return snapshotsSkipped.get();
  }

  /** One media message (a tick or a screen chunk) arrived from the event bus. */
  void packetReceived() {
    packets.incrementAndGet();
  }

  /**
   * Media messages this node received from the event bus: one per tick per event, whatever the
   * listener count.
   */
  public long packetsReceived() {
    return packets.get();
  }

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
