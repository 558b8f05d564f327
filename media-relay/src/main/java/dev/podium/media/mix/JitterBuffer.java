package dev.podium.media.mix;

import java.util.ArrayDeque;

/**
 * One speaker's frames waiting for their mix tick, each stamped with its arrival time. A speaker
 * starts playing with the first tick after a frame is buffered and then plays one frame per tick.
 * While it plays, a tick whose frame has not arrived yet waits for it up to the speaker's patience
 * (the configured jitter plus a small margin, see {@link EventMixer}); a tick that could not wait
 * longer finds the buffer dry, and the speaker drops out of the mix until its next frame. The
 * buffer is bounded: when it is full, the oldest frame goes.
 *
 * <p>A standing backlog (frames that keep waiting longer than needed because another speaker's
 * phase sets the room's ticks) is shed by the mixer moving its grid (see {@link EventMixer}) and,
 * when that cannot remove it, here: one frame is skipped after a long run of ticks in which every
 * frame had waited a whole tick or more (a speaker merely out of phase with the ticks waits less
 * than a tick; one with a backlog waits a tick per frame of it).
 */
public final class JitterBuffer {
  /**
   * How many ticks in a row every frame must have waited too long before one frame is skipped: four
   * times the mixer's grid-shift window (4 s), so that moving the grid, a window and a few dozen
   * steps at a time, always acts first.
   */
  static final int OVER_TICKS_BEFORE_SKIP = 4 * EventMixer.SHIFT_WINDOW_TICKS;

  private record Frame(short[] pcm, long arrivalNanos) {}

  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private final long marginNanos;
  private final long periodNanos;
  private long holdNanos;
  private int maxDepth;
  private boolean playing;
  private long dropped;

  /** Consecutive ticks whose frame had waited at least a period. */
  private int overTicks;

  /** How long the frame {@link #poll} returned last had waited in the buffer. */
  private long waitedNanos;

  /**
   * @param holdNanos how long past its grid time a tick waits for this speaker's late frame (the
   *     configured jitter); the margin is added to it
   * @param marginNanos added to the hold, for timer jitter of the sender and the event loop
   * @param periodNanos one frame, one tick (20 ms)
   * @param maxDepth frames kept at most
   */
  public JitterBuffer(long holdNanos, long marginNanos, long periodNanos, int maxDepth) {
    this.holdNanos = Math.max(0, holdNanos);
    this.marginNanos = Math.max(0, marginNanos);
    this.periodNanos = periodNanos;
    this.maxDepth = Math.max(1, maxDepth);
  }

  /**
   * Raises the hold: a speaker whose chunks split frames needs at least one frame (see {@link
   * EventMixer}). Never lowers it.
   */
  public void raiseHold(long nanos) {
    holdNanos = Math.max(holdNanos, nanos);
  }

  public long holdNanos() {
    return holdNanos;
  }

  /** How long past its grid time a tick waits for this speaker's frame: hold plus margin. */
  public long patienceNanos() {
    return holdNanos + marginNanos;
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

  /** Arrival of the oldest buffered frame; {@code Long.MAX_VALUE} when there is none. */
  public long oldestArrival() {
    Frame head = frames.peekFirst();
    return head == null ? Long.MAX_VALUE : head.arrivalNanos;
  }

  /**
   * Whether the next tick has to wait for this speaker: it plays and its next frame has not
   * arrived.
   */
  public boolean awaited() {
    return playing && frames.isEmpty();
  }

  /**
   * The frame for the tick running at {@code nowNanos}, or null when there is none (the speaker is
   * not playing, or was and has run dry: it drops out).
   */
  public short[] poll(long nowNanos) {
    return poll(nowNanos, 0);
  }

  /**
   * As {@link #poll(long)}, for a room whose ticks run {@code allowanceNanos} later than its frames
   * need (a relay's lateness the mixer follows and is shedding): that much of a frame's wait is the
   * room's, not a backlog of this speaker's, and does not count towards the skip.
   */
  public short[] poll(long nowNanos, long allowanceNanos) {
    Frame frame = frames.pollFirst();
    if (frame == null) {
      playing = false;
      return null;
    }
    if (!playing) {
      playing = true;
      overTicks = 0;
    }
    // Every frame of the last 100 ticks waited a tick or more: a backlog the mixer's grid could not
    // shed (another speaker sets the ticks). Skip one frame, when there is one to play instead.
    if (nowNanos - frame.arrivalNanos - allowanceNanos >= periodNanos) {
      if (++overTicks >= OVER_TICKS_BEFORE_SKIP && !frames.isEmpty()) {
        dropped++;
        overTicks = 0;
        frame = frames.pollFirst();
      }
    } else {
      overTicks = 0;
    }
    waitedNanos = nowNanos - frame.arrivalNanos;
    return frame.pcm;
  }

  /**
   * How long the frame the last {@link #poll} returned had waited in the buffer; meaningful only
   * when that poll returned a frame.
   */
  public long waitedNanos() {
    return waitedNanos;
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
