package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitterBufferTest {

  private static short[] frame(int tag) {
    return new short[] {(short) tag};
  }

  @Test
  void nothingPlayedUntilTargetDepth() {
    JitterBuffer b = new JitterBuffer(3, 10);
    assertNull(b.poll());
    b.offer(frame(1));
    assertNull(b.poll());
    b.offer(frame(2));
    assertNull(b.poll());
    assertFalse(b.isPlaying());
    assertEquals(2, b.depth(), "polls while buffering consume nothing");
    b.offer(frame(3));
    assertEquals(1, b.poll()[0]);
    assertTrue(b.isPlaying());
  }

  @Test
  void playsInOrder() {
    JitterBuffer b = new JitterBuffer(2, 10);
    short[][] frames = new short[6][];
    for (int i = 0; i < 6; i++) {
      frames[i] = frame(i);
      b.offer(frames[i]);
    }
    for (int i = 0; i < 6; i++) {
      assertSame(frames[i], b.poll());
    }
  }

  @Test
  void keepsPlayingBelowTargetOnceStarted() {
    JitterBuffer b = new JitterBuffer(3, 10);
    b.offer(frame(1));
    b.offer(frame(2));
    b.offer(frame(3));
    assertEquals(1, b.poll()[0]);
    assertEquals(2, b.poll()[0]);
    b.offer(frame(4));
    assertEquals(3, b.poll()[0]);
    assertEquals(4, b.poll()[0]);
  }

  @Test
  void underrunReturnsNullThenWaitsForTargetAgain() {
    JitterBuffer b = new JitterBuffer(3, 10);
    for (int i = 1; i <= 3; i++) {
      b.offer(frame(i));
    }
    assertEquals(1, b.poll()[0]);
    assertEquals(2, b.poll()[0]);
    assertEquals(3, b.poll()[0]);
    assertNull(b.poll(), "underrun");
    assertFalse(b.isPlaying());
    b.offer(frame(4));
    assertNull(b.poll(), "rebuffering: 1 of 3");
    b.offer(frame(5));
    assertNull(b.poll(), "rebuffering: 2 of 3");
    b.offer(frame(6));
    assertEquals(4, b.poll()[0]);
    assertEquals(5, b.poll()[0]);
    assertEquals(6, b.poll()[0]);
    assertNull(b.poll());
  }

  @Test
  void overfillDropsTheOldestAndCounts() {
    JitterBuffer b = new JitterBuffer(2, 4);
    for (int i = 1; i <= 7; i++) {
      b.offer(frame(i));
    }
    assertEquals(4, b.depth());
    assertEquals(3, b.dropped());
    assertEquals(4, b.poll()[0]);
    assertEquals(5, b.poll()[0]);
    assertEquals(6, b.poll()[0]);
    assertEquals(7, b.poll()[0]);
    assertNull(b.poll());
    assertEquals(3, b.dropped());
  }

  @Test
  void maxDepthIsNeverBelowTarget() {
    JitterBuffer b = new JitterBuffer(5, 2);
    for (int i = 1; i <= 5; i++) {
      b.offer(frame(i));
    }
    assertEquals(0, b.dropped());
    assertEquals(1, b.poll()[0], "a buffer whose max is below its target must still start playing");
  }

  @Test
  void ensureTargetRaisesButNeverLowers() {
    JitterBuffer b = new JitterBuffer(3, 14);
    assertEquals(3, b.targetDepth());
    b.ensureTarget(6);
    assertEquals(6, b.targetDepth());
    b.ensureTarget(2);
    assertEquals(6, b.targetDepth());
    b.ensureTarget(6);
    assertEquals(6, b.targetDepth());
    for (int i = 1; i <= 5; i++) {
      b.offer(frame(i));
      assertNull(b.poll());
    }
    b.offer(frame(6));
    assertEquals(1, b.poll()[0]);
  }

  @Test
  void ensureTargetMakesRoomForTheNewTarget() {
    JitterBuffer b = new JitterBuffer(1, 2);
    b.ensureTarget(10);
    for (int i = 1; i <= 10; i++) {
      b.offer(frame(i));
    }
    assertEquals(0, b.dropped(), "the bound grows with the target");
    assertEquals(1, b.poll()[0]);
  }

  @Test
  void aBurstsExtraDelayIsShedOverTime() {
    JitterBuffer buffer = new JitterBuffer(3, 20);
    for (int i = 0; i < 12; i++) {
      buffer.offer(new short[] {(short) i});
    }
    int depthAfterBurst = buffer.depth();
    // Steady input afterwards: one frame in, one frame out per tick.
    for (int tick = 0; tick < 400; tick++) {
      buffer.offer(new short[] {(short) (100 + tick)});
      org.junit.jupiter.api.Assertions.assertNotNull(buffer.poll());
    }
    org.junit.jupiter.api.Assertions.assertTrue(depthAfterBurst >= 12);
    org.junit.jupiter.api.Assertions.assertTrue(buffer.depth() <= 4, "delay shed back to the target: " + buffer.depth());
    org.junit.jupiter.api.Assertions.assertTrue(buffer.dropped() >= 8);
  }

  @Test
  void aBufferAtItsTargetSkipsNothing() {
    JitterBuffer buffer = new JitterBuffer(3, 20);
    for (int i = 0; i < 3; i++) {
      buffer.offer(new short[] {(short) i});
    }
    for (int tick = 0; tick < 400; tick++) {
      buffer.offer(new short[] {(short) tick});
      buffer.poll();
    }
    org.junit.jupiter.api.Assertions.assertEquals(0, buffer.dropped());
  }
}
