package dev.podium.media.mix;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The audio of one event: each speaker's stream re-chunked into 20 ms frames behind a jitter
 * buffer, mixed once per tick into the room mix and a mix-minus per speaker. Plain logic on a
 * given monotonic clock; the relay calls {@link #ingest} for every chunk that arrives and {@link
 * #tick} when {@link #delayMillis} says the next tick is due.
 *
 * <p>Playout delay is time, not a number of frames: a speaker starts at the first tick due at
 * least {@code hold + MARGIN} after its first buffered frame arrived, and then plays one frame per
 * tick. The hold is the configured jitter; for a speaker whose chunks split frames it is at least
 * one frame (with the start anchored to a chunk's arrival, a frame that straddles two chunks
 * arrives with the second one, up to a frame later than the anchor implies). When nobody is
 * playing (the last tick mixed nothing) and audio arrives, the tick grid is moved so that a tick
 * is due exactly when that audio may start, so a lone speaker waits the hold and the margin,
 * nothing more; a speaker who starts while others play joins their grid.
 *
 * <p>Extra delay (a late first frame, a burst, a restart on a late frame) is shed by moving the
 * grid earlier: over every window of {@value #SHIFT_WINDOW_TICKS} ticks the mixer keeps the least
 * slack (wait beyond hold and margin) of any frame it mixed; when it is at least 1 ms the next
 * tick comes that much sooner (at most {@value TickSchedule#MAX_CATCH_UP_TICKS} frames at once;
 * past deadlines run at once, as catch-up ticks). Every playing speaker had at least that much
 * slack all window long, so none underruns, and no frame is lost: listeners get a packet early. A
 * speaker starting or underrunning restarts the window. A single speaker's excess that the grid
 * cannot remove, because another speaker has no slack, is shed by its {@link JitterBuffer}, one
 * frame at a time after a much longer window.
 */
public final class EventMixer {
  /** One frame, one tick. */
  public static final long PERIOD_NANOS = 20_000_000L;
  /**
   * Added to every start, so that a frame arriving up to this much later (relative to the first
   * frame of its talk spurt) than a perfectly steady sender's would still makes its tick: timer
   * jitter of the sender, the network, the event loop.
   */
  public static final long MARGIN_NANOS = 2_000_000L;
  /** Ticks over which the least slack of all playing speakers is taken before moving the grid (0.5 s). */
  static final int SHIFT_WINDOW_TICKS = 25;
  /** The grid moves earlier only by at least this much (timers have millisecond resolution). */
  static final long MIN_SHIFT_NANOS = 1_000_000L;
  /** The grid moves earlier by at most this much at once: as many frames as the schedule catches up. */
  static final long MAX_SHIFT_NANOS = TickSchedule.MAX_CATCH_UP_TICKS * PERIOD_NANOS;

  /** One tick's output. {@code timestamp}: samples from the mixer's start to the tick's deadline. */
  public record Tick(long sequence, long timestamp, Mixer.Mix mix, Map<String, short[]> frames) {
  }

  private final class Speaker {
    final Rechunker rechunker = new Rechunker(frameSamples);
    final JitterBuffer buffer = new JitterBuffer(jitterNanos, MARGIN_NANOS, PERIOD_NANOS, baseDepth);
    long lastHeardNanos;
  }

  private final int frameSamples;
  private final long jitterNanos;
  private final int baseDepth;
  private final long idleNanos;
  private final LongSupplier clock;
  private final TickSchedule schedule;
  private final long origin;
  private final Map<String, Speaker> speakers = new LinkedHashMap<>();
  private long sequence;
  private long lastDeadline;
  /** Whether the last tick mixed anything (some speaker is playing). */
  private boolean mixing;
  /** Ticks in the current grid-shift window, and the least slack of any frame mixed in it. */
  private int windowTicks;
  private long windowSlack = Long.MAX_VALUE;
  /** How far the grid has been moved earlier in all, to keep timestamps one frame per tick. */
  private long shiftedNanos;
  /** The deadline of the tick that last moved the grid earlier: catch-up ticks are due then. */
  private long shiftedAt = Long.MIN_VALUE;

  /**
   * @param frameSamples samples per 20 ms frame (960 at 48 kHz)
   * @param jitter       how long a speaker's first frame waits before it is played (the hold)
   * @param idle         a speaker silent this long, with nothing buffered, is forgotten
   * @param nanoClock    monotonic clock ({@code System::nanoTime})
   */
  public EventMixer(int frameSamples, Duration jitter, Duration idle, LongSupplier nanoClock) {
    this.frameSamples = frameSamples;
    this.jitterNanos = jitter.toNanos();
    // Room for four holds and two frames (14 frames at 60 ms), at least six frames.
    this.baseDepth = (int) (4 * Math.max(1, (jitterNanos + PERIOD_NANOS - 1) / PERIOD_NANOS) + 2);
    this.idleNanos = idle.toNanos();
    this.clock = nanoClock;
    this.schedule = new TickSchedule(nanoClock, PERIOD_NANOS);
    this.origin = schedule.deadline(0);
  }

  public int frameSamples() {
    return frameSamples;
  }

  /** A chunk of PCM from a speaker, arriving now. */
  public void ingest(String userId, byte[] pcm, int offset, int length) {
    long now = clock.getAsLong();
    Speaker s = speaker(userId, now);
    List<short[]> frames = s.rechunker.push(pcm, offset, length);
    for (short[] frame : frames) {
      s.buffer.offer(frame, now);
    }
    if (!frames.isEmpty() && s.rechunker.partial()) {
      // This chunk completed a frame and began the next one: that frame arrives with a later
      // chunk, up to one frame later than a start anchored here assumes.
      s.buffer.raiseHold(PERIOD_NANOS);
    }
    // Chunks longer than a frame arrive in bursts: keep room for three of them and a frame each.
    int chunkFrames = (length / 2 + frameSamples - 1) / frameSamples;
    s.buffer.ensureCapacity(3 * (chunkFrames + 1));
    if (!frames.isEmpty()) {
      reanchorIfIdle();
    }
  }

  /** An already-decoded 20 ms frame from a speaker, arriving now. */
  public void ingestFrame(String userId, short[] frame) {
    long now = clock.getAsLong();
    speaker(userId, now).buffer.offer(frame, now);
    reanchorIfIdle();
  }

  private Speaker speaker(String userId, long now) {
    Speaker s = speakers.computeIfAbsent(userId, id -> new Speaker());
    s.lastHeardNanos = now;
    return s;
  }

  /** Forgets a speaker at once (removed, muted or stepped down). */
  public void dropSpeaker(String userId) {
    speakers.remove(userId);
    reanchorIfIdle();
  }

  /**
   * While nobody is playing, moves the next tick to when the earliest waiting speaker may start,
   * so that the first frame of a new talk spurt waits the hold and the margin, not up to a tick
   * more.
   */
  private void reanchorIfIdle() {
    if (mixing) {
      return;
    }
    long due = Long.MAX_VALUE;
    for (Speaker s : speakers.values()) {
      due = Math.min(due, s.buffer.startDue());
    }
    if (due != Long.MAX_VALUE && due != schedule.nextDeadline()) {
      schedule.reanchor(due);
    }
  }

  /** When the next tick is due, on the mixer's clock. */
  public long nextDeadline() {
    return schedule.nextDeadline();
  }

  /** Milliseconds until the next tick is due (0 when it is already due); never early. */
  public long delayMillis() {
    return schedule.delayMillis();
  }

  /** The deadline of the tick {@link #tick} ran last. */
  public long lastDeadline() {
    return lastDeadline;
  }

  /**
   * When the tick {@link #tick} ran last was due to run: its deadline, or for a catch-up tick
   * (whose deadline the grid moved into the past) the deadline of the tick that moved the grid.
   */
  public long lastDue() {
    return Math.max(lastDeadline, shiftedAt);
  }

  /** How far the grid has been moved earlier, in all, to shed extra delay. */
  public long shiftedNanos() {
    return shiftedNanos;
  }

  /** Runs the next tick: the mix, or null when nobody is speaking (silence is not sent). */
  public Tick tick() {
    long deadline = schedule.deadline(schedule.advance());
    lastDeadline = deadline;
    long now = clock.getAsLong();
    Map<String, short[]> frames = new HashMap<>();
    // Whether a speaker started or underran in this tick, and the least slack of the frames mixed.
    boolean changed = false;
    long slack = Long.MAX_VALUE;
    for (Iterator<Map.Entry<String, Speaker>> it = speakers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Speaker> e = it.next();
      Speaker s = e.getValue();
      boolean wasPlaying = s.buffer.isPlaying();
      short[] frame = s.buffer.poll(deadline);
      if (frame != null) {
        frames.put(e.getKey(), frame);
        slack = Math.min(slack, s.buffer.slackNanos());
        changed |= !wasPlaying;
      } else {
        changed |= wasPlaying;
        if (s.buffer.depth() == 0 && now - s.lastHeardNanos > idleNanos) {
          // Silent too long: forget them (a speaker who comes back starts afresh).
          it.remove();
        }
      }
    }
    mixing = !frames.isEmpty();
    if (!mixing) {
      restartWindow();
      reanchorIfIdle();
      return null;
    }
    // Samples from the mixer's start to this tick's deadline, plus however far the grid has been
    // moved earlier: exactly one frame more per tick while audio flows (a catch-up tick too), more
    // than one frame across a pause (whose ticks are not sent).
    long timestamp = (deadline + shiftedNanos - origin) * frameSamples / PERIOD_NANOS;
    if (changed) {
      restartWindow();
    } else {
      shedDelay(deadline, slack);
    }
    return new Tick(++sequence, timestamp, Mixer.mix(frames, frameSamples), frames);
  }

  private void restartWindow() {
    windowTicks = 0;
    windowSlack = Long.MAX_VALUE;
  }

  /**
   * Counts a tick in which every playing speaker played (none started, none underran) with the
   * least slack {@code slack}; at the end of a window moves the grid earlier by the window's least
   * slack, so that the next tick comes that much sooner.
   */
  private void shedDelay(long deadline, long slack) {
    windowSlack = Math.min(windowSlack, slack);
    if (++windowTicks < SHIFT_WINDOW_TICKS) {
      return;
    }
    long shift = Math.min(windowSlack, MAX_SHIFT_NANOS);
    restartWindow();
    if (shift >= MIN_SHIFT_NANOS) {
      schedule.reanchor(schedule.nextDeadline() - shift);
      shiftedNanos += shift;
      shiftedAt = deadline;
    }
  }

  public int speakerCount() {
    return speakers.size();
  }
}
