package dev.podium.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the listeners' reconnections did: attempts, successes, refusals, those that gave up, and for
 * each success the time from the socket going away (its close, or the gateway's {@code reconnect}
 * message if that came first) to the first message, and to the first audio, on the new socket.
 * Written from the listeners' event loops: every method is synchronized.
 */
final class Reconnects {
  private long attempts;
  private long reconnects;
  private long gaveUp;
  private final Map<String, Long> refusals = new TreeMap<>();
  private long[] gapNanos = new long[16];
  private int gaps;
  private long[] audioGapNanos = new long[16];
  private int audioGaps;

  synchronized void attempted() {
    attempts++;
  }

  /**
   * A reconnect attempt got an {@code error} instead of the room (or failed to connect:
   * "connect_failed").
   */
  synchronized void refused(String code) {
    refusals.merge(code, 1L, Long::sum);
  }

  /**
   * Back in the room: the first message arrived {@code gapNanos} after the old socket went away.
   */
  synchronized void reconnected(long gapNanos) {
    reconnects++;
    if (gaps == this.gapNanos.length) {
      this.gapNanos = Arrays.copyOf(this.gapNanos, gaps * 2);
    }
    this.gapNanos[gaps++] = gapNanos;
  }

  /** The first audio after a reconnect arrived {@code gapNanos} after the old socket went away. */
  synchronized void audioAgain(long gapNanos) {
    if (audioGaps == audioGapNanos.length) {
      audioGapNanos = Arrays.copyOf(audioGapNanos, audioGaps * 2);
    }
    audioGapNanos[audioGaps++] = gapNanos;
  }

  synchronized void gaveUp() {
    gaveUp++;
  }

  synchronized Snapshot snapshot() {
    long[] g = Arrays.copyOf(gapNanos, gaps);
    long[] a = Arrays.copyOf(audioGapNanos, audioGaps);
    Arrays.sort(g);
    Arrays.sort(a);
    return new Snapshot(attempts, reconnects, gaveUp, new TreeMap<>(refusals), g, a);
  }

  /** Sorted gaps, in nanoseconds. */
  record Snapshot(
      long attempts,
      long reconnects,
      long gaveUp,
      Map<String, Long> refusals,
      long[] gapNanos,
      long[] audioGapNanos) {}
}
