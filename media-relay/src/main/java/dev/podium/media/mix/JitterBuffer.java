package dev.podium.media.mix;

import java.util.ArrayDeque;

/**
 * One speaker's frames waiting for their mix tick, each stamped with its arrival time. Playback
 * starts at the first tick due at least {@code hold + margin} after the arrival of the oldest
 * buffered frame; from then on one frame plays per tick. When the buffer runs dry the speaker
 * drops out of the mix, and starts again by the same rule with its next frame. The mixer sheds a
 * burst's extra delay by moving its tick grid earlier (see {@link EventMixer}), using {@link
 * #slackNanos}; what that cannot remove (another speaker has no slack) is shed here, one frame at
 * a time, after a much longer run of over-long waits. The buffer is bounded: when it is full, the
 * oldest frame goes.
 */
public final class JitterBuffer {
  /**
   * How many ticks in a row every frame must have waited too long before one frame is skipped: four
   * times the mixer's grid-shift window, so that moving the grid always acts first.
   */
  static final int OVER_TICKS_BEFORE_SKIP = 100;

  private record Frame(short[] pcm, long arrivalNanos) {
  }

  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private final long marginNanos;
  private final long periodNanos;
  private long holdNanos;
  private int maxDepth;
  private boolean playing;
  private long dropped;
  /** Consecutive ticks whose frame had waited at least a period longer than the hold. */
  private int overTicks;
  /** How much longer than hold and margin the frame {@link #poll} returned last had waited. */
  private long slackNanos;

  /**
   * @param holdNanos   how long a speaker's first frame waits at least (the configured jitter)
   * @param marginNanos added to the hold when starting, for a frame that is a little late
   * @param periodNanos one frame, one tick (20 ms)
   * @param maxDepth    frames kept at most
   */
  public JitterBuffer(long holdNanos, long marginNanos, long periodNanos, int maxDepth) {
    this.holdNanos = Math.max(0, holdNanos);
    this.marginNanos = Math.max(0, marginNanos);
    this.periodNanos = periodNanos;
    this.maxDepth = Math.max(1, maxDepth);
  }

  /**
   * Raises the hold: a speaker whose chunks split frames needs at least one frame (see
   * {@link EventMixer}). Never lowers it; takes effect from the next start.
   */
  public void raiseHold(long nanos) {
    holdNanos = Math.max(holdNanos, nanos);
  }

  public long holdNanos() {
    return holdNanos;
  }

  /** Raises the bound (a speaker who sends large chunks needs room for a few of them). */
  public void ensureCapacity(int depth) {
    maxDepth = Math.max(maxDepth, depth);
  }

  public int maxDepth() {
    return maxDepth;
  }

  public void offer(short[] frame, long arrivalNanos) {
    if (frames.size() >= maxDepth) {
      frames.removeFirst();
      dropped++;
    }
    frames.addLast(new Frame(frame, arrivalNanos));
  }

  /**
   * When this speaker may start: the arrival of its oldest frame plus hold and margin; {@code
   * Long.MAX_VALUE} while it is playing or has nothing buffered.
   */
  public long startDue() {
    Frame head = frames.peekFirst();
    return playing || head == null ? Long.MAX_VALUE : head.arrivalNanos + holdNanos + marginNanos;
  }

  /**
   * The frame for the tick due at {@code deadlineNanos}, or null while waiting to start or after
   * an underrun.
   */
  public short[] poll(long deadlineNanos) {
    if (!playing) {
      if (deadlineNanos < startDue()) {
        return null;
      }
      playing = true;
      overTicks = 0;
    }
    Frame frame = frames.pollFirst();
    if (frame == null) {
      playing = false;
      return null;
    }
    // A burst (a late network, a busy machine, a speaker who restarted on a late frame) leaves
    // frames waiting longer than they need to, for as long as the speaker talks. The mixer moves
    // its grid earlier to shed that; when it cannot (another speaker has no slack) and every frame
    // of the last 100 ticks waited at least a period more than the hold, skip one: each of them
    // would still have waited the hold.
    if (deadlineNanos - frame.arrivalNanos >= holdNanos + periodNanos) {
      if (++overTicks >= OVER_TICKS_BEFORE_SKIP && !frames.isEmpty()) {
        dropped++;
        overTicks = 0;
        frame = frames.pollFirst();
      }
    } else {
      overTicks = 0;
    }
    slackNanos = deadlineNanos - frame.arrivalNanos - holdNanos - marginNanos;
    return frame.pcm;
  }

  /**
   * How much longer than hold and margin the frame the last {@link #poll} returned had waited for
   * its tick (negative when less, e.g. a frame that straddled two chunks); meaningful only when
   * that poll returned a frame.
   */
  public long slackNanos() {
    return slackNanos;
  }

  public boolean isPlaying() {
    return playing;
  }

  public int depth() {
    return frames.size();
  }

  /** Frames discarded: the oldest when the buffer was full, and those skipped to shed delay. */
  public long dropped() {
    return dropped;
  }
}
