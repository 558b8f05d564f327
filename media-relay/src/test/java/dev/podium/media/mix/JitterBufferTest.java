package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitterBufferTest {
  private static final long MS = 1_000_000L;
  private static final long P = 20 * MS;
  private static final long MARGIN = 2 * MS;

  private static short[] frame(int tag) {
    return new short[] {(short) tag};
  }

  /** A buffer with a hold of 60 ms, a 2 ms margin, 20 ms frames. */
  private static JitterBuffer buffer(int maxDepth) {
    return new JitterBuffer(60 * MS, MARGIN, P, maxDepth);
  }

  @Test
  void nothingPlayedUntilTheHoldAndMarginHavePassed() {
    JitterBuffer b = buffer(14);
    assertNull(b.poll(0));
    assertEquals(Long.MAX_VALUE, b.startDue(), "nothing buffered");
    b.offer(frame(1), 1_000 * MS);
    b.offer(frame(2), 1_020 * MS);
    assertEquals(1_062 * MS, b.startDue(), "the first frame's arrival + hold + margin");
    assertNull(b.poll(1_040 * MS));
    assertNull(b.poll(1_062 * MS - 1));
    assertFalse(b.isPlaying());
    assertEquals(2, b.depth(), "polls while waiting consume nothing");
    assertEquals(1, b.poll(1_062 * MS)[0]);
    assertTrue(b.isPlaying());
    assertEquals(Long.MAX_VALUE, b.startDue(), "playing");
  }

  @Test
  void playsInOrder() {
    JitterBuffer b = buffer(10);
    short[][] frames = new short[6][];
    for (int i = 0; i < 6; i++) {
      frames[i] = frame(i);
      b.offer(frames[i], 0);
    }
    for (int i = 0; i < 6; i++) {
      assertSame(frames[i], b.poll(62 * MS + i * P));
    }
  }

  @Test
  void onceStartedAFramePlaysWhenItIsThereWhateverItsArrival() {
    JitterBuffer b = buffer(10);
    b.offer(frame(1), 0);
    assertEquals(1, b.poll(62 * MS)[0]);
    b.offer(frame(2), 81 * MS); // arrived just before its tick, long after the hold
    assertEquals(2, b.poll(82 * MS)[0]);
  }

  @Test
  void underrunReturnsNullThenWaitsForTheHoldAgain() {
    JitterBuffer b = buffer(10);
    b.offer(frame(1), 0);
    b.offer(frame(2), 20 * MS);
    assertEquals(1, b.poll(62 * MS)[0]);
    assertEquals(2, b.poll(82 * MS)[0]);
    assertNull(b.poll(102 * MS), "underrun");
    assertFalse(b.isPlaying());
    b.offer(frame(3), 105 * MS);
    assertNull(b.poll(122 * MS), "waiting again: due at 167 ms");
    assertNull(b.poll(162 * MS));
    assertEquals(3, b.poll(182 * MS)[0]);
  }

  @Test
  void overfillDropsTheOldestAndCounts() {
    JitterBuffer b = new JitterBuffer(40 * MS, MARGIN, P, 4);
    for (int i = 1; i <= 7; i++) {
      b.offer(frame(i), 0);
    }
    assertEquals(4, b.depth());
    assertEquals(3, b.dropped());
    long t = 42 * MS;
    assertEquals(4, b.poll(t)[0]);
    assertEquals(5, b.poll(t += P)[0]);
    assertEquals(6, b.poll(t += P)[0]);
    assertEquals(7, b.poll(t += P)[0]);
    assertNull(b.poll(t + P));
    assertEquals(3, b.dropped());
  }

  @Test
  void raiseHoldRaisesButNeverLowers() {
    JitterBuffer b = new JitterBuffer(0, MARGIN, P, 6);
    assertEquals(0, b.holdNanos());
    b.raiseHold(P);
    assertEquals(P, b.holdNanos());
    b.raiseHold(5 * MS);
    assertEquals(P, b.holdNanos());
    b.offer(frame(1), 100 * MS);
    assertEquals(122 * MS, b.startDue());
    assertNull(b.poll(121 * MS));
    assertEquals(1, b.poll(122 * MS)[0]);
  }

  @Test
  void ensureCapacityGrowsTheBound() {
    JitterBuffer b = new JitterBuffer(0, MARGIN, P, 2);
    b.ensureCapacity(10);
    b.ensureCapacity(3);
    assertEquals(10, b.maxDepth());
    for (int i = 1; i <= 10; i++) {
      b.offer(frame(i), 0);
    }
    assertEquals(0, b.dropped(), "the bound grew");
    assertEquals(1, b.poll(MARGIN)[0]);
  }

  @Test
  void aBurstsExtraDelayIsShedOverTime() {
    JitterBuffer b = buffer(20);
    // 12 frames at once (a stall released), then one frame per tick
    for (int i = 0; i < 12; i++) {
      b.offer(frame(i), 0);
    }
    long tick = 62 * MS;
    int lastPlayed = -1;
    // the mixer moves its grid to shed delay; this, its fallback, skips one frame per 100 ticks
    for (int k = 0; k < 1200; k++, tick += P) {
      b.offer(frame(100 + k), tick - 15 * MS); // each arrives 15 ms before a tick
      short[] f = b.poll(tick);
      assertNotNull(f, "tick " + k);
      assertTrue(f[0] > lastPlayed, "in order");
      lastPlayed = f[0];
      if (k < JitterBuffer.OVER_TICKS_BEFORE_SKIP - 1) {
        assertEquals(0, b.dropped(), "nothing skipped before 100 ticks: tick " + k);
      }
    }
    assertEquals(12, b.depth() + b.dropped(), "the 12 extra frames were either shed or are still queued");
    assertTrue(b.depth() <= 4, "delay shed back near the hold: " + b.depth() + " frames queued");
    assertTrue(b.dropped() >= 8);
  }

  @Test
  void aSteadySpeakerSkipsNothingWhateverTheTickPhase() {
    // frames arrive every 20 ms; frame j is played at 20 j + wait, for waits from the hold and
    // margin (62 ms) to just under the hold and a frame (80 ms): nothing is ever skipped
    for (long wait = 62 * MS; wait < 80 * MS; wait += MS / 2) {
      JitterBuffer b = buffer(14);
      for (int k = 0; k < 1000; k++) {
        b.offer(frame(k), k * P);
        int j = k - 3; // the frame whose tick falls between this arrival and the next
        if (j >= 0) {
          assertEquals((short) j, b.poll(j * P + wait)[0], "wait " + wait);
        }
      }
      assertEquals(0, b.dropped(), "wait " + wait);
    }
  }

  @Test
  void slackIsTheWaitBeyondHoldAndMargin() {
    JitterBuffer b = buffer(14);
    b.offer(frame(1), 0);
    b.offer(frame(2), 15 * MS);
    assertEquals(1, b.poll(67 * MS)[0]);
    assertEquals(5 * MS, b.slackNanos());
    assertEquals(2, b.poll(87 * MS)[0]);
    assertEquals(10 * MS, b.slackNanos());
    b.raiseHold(80 * MS);
    b.offer(frame(3), 100 * MS);
    assertEquals(3, b.poll(107 * MS)[0], "playing: the frame plays whatever its wait");
    assertEquals(-75 * MS, b.slackNanos(), "less than hold and margin: negative");
  }

  @Test
  void nothingIsSkippedWithoutAFrameToPlayInstead() {
    JitterBuffer b = new JitterBuffer(0, MARGIN, P, 14);
    // every frame waits a full frame (hold + frame), but its tick comes just before the next
    // frame: skipping one would leave the tick empty
    for (int k = 0; k < 200; k++) {
      b.offer(frame(k), k * P);
      assertEquals(k, b.poll(k * P + P)[0]);
    }
    assertEquals(0, b.dropped());
  }
}
