package dev.podium.media.mix;

import java.util.ArrayDeque;

/**
 * One speaker's frames waiting for their mix tick. Playback starts once {@code targetDepth}
 * frames are buffered (absorbing network jitter); when the buffer runs dry the speaker drops out
 * of the mix until it is filled again. Bounded: when a burst overfills it, the oldest frames go.
 */
public final class JitterBuffer {
  private final ArrayDeque<short[]> frames = new ArrayDeque<>();
  private int targetDepth;
  private int maxDepth;
  private boolean playing;
  private long dropped;
  /** Consecutive ticks the buffer has held more than it needs. */
  private int overTicks;
  /** How long the buffer may stay too deep before one frame is skipped to shed the extra delay. */
  private static final int OVER_TICKS_BEFORE_SKIP = 25;

  public JitterBuffer(int targetDepth, int maxDepth) {
    this.targetDepth = Math.max(1, targetDepth);
    this.maxDepth = Math.max(this.targetDepth, maxDepth);
  }

  /**
   * Raises the depth needed before playback: a speaker who sends large chunks (today's host page
   * sends 85 ms at a time) needs at least one chunk plus a frame buffered, or it underruns
   * between chunks.
   */
  public void ensureTarget(int depth) {
    if (depth > targetDepth) {
      targetDepth = depth;
      maxDepth = Math.max(maxDepth, depth * 3);
    }
  }

  public int targetDepth() {
    return targetDepth;
  }

  public void offer(short[] frame) {
    if (frames.size() == maxDepth) {
      frames.removeFirst();
      dropped++;
    }
    frames.addLast(frame);
  }

  /** The frame for this tick, or null while buffering or after an underrun. */
  public short[] poll() {
    if (!playing) {
      if (frames.size() < targetDepth) {
        return null;
      }
      playing = true;
    }
    // A burst (a late network, a busy machine) leaves frames queued that would otherwise delay
    // every later frame for as long as the speaker talks: when the buffer stays deeper than it
    // needs for half a second, skip one frame to bring the delay back down.
    if (frames.size() > targetDepth + 1) {
      if (++overTicks >= OVER_TICKS_BEFORE_SKIP) {
        frames.pollFirst();
        dropped++;
        overTicks = 0;
      }
    } else {
      overTicks = 0;
    }
    short[] frame = frames.pollFirst();
    if (frame == null) {
      playing = false;
    }
    return frame;
  }

  public boolean isPlaying() {
    return playing;
  }

  public int depth() {
    return frames.size();
  }

  /** Frames discarded because the buffer was full. */
  public long dropped() {
    return dropped;
  }
}
