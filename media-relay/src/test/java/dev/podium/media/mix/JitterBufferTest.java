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
  void aFramePlaysAtTheFirstTickAfterItArrives() {
    JitterBuffer b = buffer(14);
    assertNull(b.poll(0), "nothing buffered");
    assertFalse(b.isPlaying());
    assertFalse(b.awaited(), "not playing: no tick waits for it");
    assertEquals(Long.MAX_VALUE, b.oldestArrival());
    b.offer(frame(1), 1_000 * MS);
    b.offer(frame(2), 1_020 * MS);
    assertEquals(1_000 * MS, b.oldestArrival());
    assertEquals(1, b.poll(1_020 * MS)[0]);
    assertTrue(b.isPlaying());
    assertEquals(20 * MS, b.waitedNanos());
    assertEquals(2, b.poll(1_020 * MS)[0]);
    assertEquals(0, b.waitedNanos());
    assertTrue(b.awaited(), "playing and dry: the next tick waits for its frame");
  }

  @Test
  void patienceIsTheHoldAndTheMargin() {
    assertEquals(62 * MS, buffer(14).patienceNanos());
    assertEquals(MARGIN, new JitterBuffer(0, MARGIN, P, 6).patienceNanos());
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
      assertSame(frames[i], b.poll(i * P));
    }
  }

  @Test
  void aTickWithoutItsFrameEndsPlayingUntilTheNextFrame() {
    JitterBuffer b = buffer(10);
    b.offer(frame(1), 0);
    assertEquals(1, b.poll(0)[0]);
    assertTrue(b.awaited());
    assertNull(b.poll(82 * MS), "the tick gave up waiting: the speaker drops out");
    assertFalse(b.isPlaying());
    assertFalse(b.awaited(), "no later tick waits for a speaker who dropped out");
    b.offer(frame(2), 90 * MS);
    assertFalse(b.awaited(), "a frame is there");
    assertEquals(2, b.poll(100 * MS)[0], "starts again with its next frame");
    assertTrue(b.isPlaying());
  }

  @Test
  void overfillDropsTheOldestAndCounts() {
    JitterBuffer b = new JitterBuffer(40 * MS, MARGIN, P, 4);
    for (int i = 1; i <= 7; i++) {
      b.offer(frame(i), 0);
    }
    assertEquals(4, b.depth());
    assertEquals(3, b.dropped());
    long t = 0;
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
    assertEquals(P + MARGIN, b.patienceNanos());
    b.raiseHold(5 * MS);
    assertEquals(P, b.holdNanos());
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
    assertEquals(1, b.poll(0)[0]);
  }

  @Test
  void aStandingBacklogIsShedOverTime() {
    JitterBuffer b = buffer(20);
    // 12 frames at once (a stall released), then one frame per tick
    for (int i = 0; i < 12; i++) {
      b.offer(frame(i), 0);
    }
    long tick = 0;
    int lastPlayed = -1;
    // the mixer moves its grid to shed a backlog; when it cannot (another speaker sets the ticks),
    // this fallback skips one frame per OVER_TICKS_BEFORE_SKIP ticks in which every frame waited a
    // tick or more
    for (int k = 0; k < 13 * JitterBuffer.OVER_TICKS_BEFORE_SKIP; k++, tick += P) {
      b.offer(frame(100 + k), tick - 15 * MS); // each arrives 15 ms before a tick
      short[] f = b.poll(tick);
      assertNotNull(f, "tick " + k);
      assertTrue(f[0] > lastPlayed, "in order");
      lastPlayed = f[0];
      if (k < JitterBuffer.OVER_TICKS_BEFORE_SKIP - 1) {
        assertEquals(
            0, b.dropped(), "nothing skipped before OVER_TICKS_BEFORE_SKIP ticks: tick " + k);
      }
    }
    assertEquals(
        12, b.depth() + b.dropped(), "the 12 extra frames were either shed or are still queued");
    assertTrue(b.depth() <= 1, "backlog shed: " + b.depth() + " frames queued");
    assertTrue(b.dropped() >= 11);
  }

  @Test
  void aSpeakerOutOfPhaseWithTheTicksSkipsNothing() {
    // frames arrive every 20 ms; the room's ticks (set by another speaker) come up to a tick after
    // each arrival: nothing is ever skipped
    for (long wait = 0; wait < P; wait += MS / 4) {
      JitterBuffer b = buffer(14);
      for (int k = 0; k < 1000; k++) {
        b.offer(frame(k), k * P);
        long j = k - wait / P; // the frame whose tick falls between this arrival and the next
        if (j >= 0) {
          assertEquals((short) j, b.poll(j * P + wait)[0], "wait " + wait);
        }
      }
      assertEquals(0, b.dropped(), "wait " + wait);
    }
  }

  @Test
  void nothingIsSkippedWithoutAFrameToPlayInstead() {
    JitterBuffer b = new JitterBuffer(0, MARGIN, P, 14);
    // every frame waits more than a tick, but its tick comes just before the next frame arrives:
    // skipping one would leave the tick empty
    for (int k = 0; k < 200; k++) {
      b.offer(frame(k), k * P);
      assertEquals(k, b.poll(k * P + P + MARGIN)[0]);
    }
    assertEquals(0, b.dropped());
  }
}
