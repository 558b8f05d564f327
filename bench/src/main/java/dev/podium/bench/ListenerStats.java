package dev.podium.bench;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one listener saw. Updated on the listener's event loop, read by the main thread at the end:
 * every method is synchronized (never contended while frames flow).
 */
final class ListenerStats {
  /** Send-time slots not yet written hold this. */
  static final long UNSENT = Long.MIN_VALUE;

  private final AtomicLongArray sendTimes;
  private final int firstMeasuredSeq;
  private final BitSet seqs = new BitSet();
  private long[] latencyMicros;

  /** The sequence number of the frame each latency was measured on. */
  private int[] latencySeqs;

  private int latencies;
  private long connectStartNanos;
  private long joinNanos = -1;
  private boolean failed;
  private boolean closed;
  private long binaryMessages;
  private long binaryBytes;
  private long unmarkedMessages;
  private long duplicates;
  private long unknownSeqs;

  /** Frames before {@code firstMeasuredSeq} (the warm-up) are received but not counted. */
  ListenerStats(AtomicLongArray sendTimes, int firstMeasuredSeq, int expectedFrames) {
    this.sendTimes = sendTimes;
    this.firstMeasuredSeq = firstMeasuredSeq;
    this.latencyMicros = new long[Math.max(16, expectedFrames)];
    this.latencySeqs = new int[latencyMicros.length];
  }

  synchronized void connecting(long nowNanos) {
    connectStartNanos = nowNanos;
  }

  /** The first text message arrived: the listener is in the room. Returns true the first time. */
  synchronized boolean joined(long nowNanos) {
    if (joinNanos >= 0 || failed) {
      return false;
    }
    joinNanos = nowNanos - connectStartNanos;
    return true;
  }

  /** The connection failed before joining. Returns true if this settles the listener. */
  synchronized boolean failed() {
    if (joinNanos >= 0 || failed) {
      return false;
    }
    failed = true;
    return true;
  }

  synchronized void closed() {
    closed = true;
  }

  /** Back in the room on a new socket after a close. */
  synchronized void reopened() {
    closed = false;
  }

  synchronized boolean isJoined() {
    return joinNanos >= 0;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  synchronized long joinNanos() {
    return joinNanos;
  }

  synchronized void onBinary(Buffer message, long nowNanos) {
    binaryMessages++;
    binaryBytes += message.length();
    int found =
        PcmFrames.scan(
            message,
            seq -> {
              long sent = seq < sendTimes.length() ? sendTimes.get(seq) : UNSENT;
              if (sent == UNSENT) {
                unknownSeqs++;
                return;
              }
              if (seq < firstMeasuredSeq) {
                return;
              }
              if (seqs.get(seq)) {
                duplicates++;
                return;
              }
              seqs.set(seq);
              if (latencies == latencyMicros.length) {
                latencyMicros = Arrays.copyOf(latencyMicros, latencies * 2);
                latencySeqs = Arrays.copyOf(latencySeqs, latencies * 2);
              }
              latencySeqs[latencies] = seq;
              latencyMicros[latencies++] = (nowNanos - sent) / 1_000;
            });
    if (found == 0) {
      unmarkedMessages++;
    }
  }

  /** A consistent copy of the counters. */
  synchronized Snapshot snapshot() {
    return new Snapshot(
        seqs.cardinality(),
        Arrays.copyOf(latencyMicros, latencies),
        Arrays.copyOf(latencySeqs, latencies),
        binaryMessages,
        binaryBytes,
        unmarkedMessages,
        duplicates,
        unknownSeqs,
        closed);
  }

  record Snapshot(
      int received,
      long[] latencyMicros,
      int[] latencySeqs,
      long binaryMessages,
      long binaryBytes,
      long unmarkedMessages,
      long duplicates,
      long unknownSeqs,
      boolean closed) {}
}
