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
 * buffer, mixed once per tick into the room mix and a mix-minus per speaker. Plain logic on a given
 * monotonic clock; the relay calls {@link #ingest} for every chunk that arrives and {@link #tick}
 * when {@link #nextDue} has come.
 *
 * <p>Ticks sit on a drift-free grid (tick {@code k} at {@code start + k * 20 ms}, see {@link
 * TickSchedule}) and run as soon as they can: at the grid time when every playing speaker's frame
 * is there, else when the last of those frames arrives, but never later than the grid time plus the
 * speaker's patience (the configured jitter, the hold, plus a 2 ms margin). A frame that arrives in
 * time is mixed at once; one that is late is waited for, delaying that tick only (the next ticks
 * run on the grid again, back to back if they are due); one later than the patience misses its
 * tick, and its speaker drops out of the mix until the frame arrives. A speaker starts with the
 * first tick after its first frame arrives; when nobody is playing and audio arrives, the grid is
 * moved so that a tick is due at once. So a lone speaker's frames are mixed as they arrive, and the
 * jitter setting is how long the room waits for a speaker who is late, not a delay every frame
 * pays. Smoothing the audio for playback is the listener's playout buffer's job: it has to absorb
 * the jitter of its own network path anyway.
 *
 * <p>A speaker whose chunks split frames (today's host page: 4096 samples) has a hold of at least
 * one frame: a frame that straddles two chunks arrives with the second one, up to a frame later
 * than the grid expects it.
 *
 * <p>Frames that wait for their grid time (a sender slightly faster than the relay's clock, a burst
 * after a stall) are shed by moving the grid earlier: over every window of {@value
 * #SHIFT_WINDOW_TICKS} ticks the mixer keeps the least wait of any frame it mixed; when it is at
 * least 1 ms the next tick comes that much sooner (at most {@value TickSchedule#MAX_CATCH_UP_TICKS}
 * frames at once; past grid times run at once, as catch-up ticks). Every playing speaker's frames
 * waited at least that long all window long, so none misses a tick, and no frame is lost: listeners
 * get a packet early. A speaker starting or dropping out restarts the window. A single speaker's
 * backlog that the grid cannot remove, because another speaker sets the ticks, is shed by its
 * {@link JitterBuffer}, one frame at a time after a much longer window.
 */
public final class EventMixer {
  /** One frame, one tick. */
  public static final long PERIOD_NANOS = 20_000_000L;

  /**
   * Added to every speaker's patience, so that with a jitter of 0 a frame a little late (timer
   * jitter of the sender, the network, the event loop) still makes its tick.
   */
  public static final long MARGIN_NANOS = 2_000_000L;

  /**
   * Ticks over which the least wait of all playing speakers is taken before moving the grid (0.5
   * s).
   */
  static final int SHIFT_WINDOW_TICKS = 25;

  /** The grid moves earlier only by at least this much (timers have millisecond resolution). */
  static final long MIN_SHIFT_NANOS = 1_000_000L;

  /**
   * The grid moves earlier by at most this much at once: as many frames as the schedule catches up.
   */
  static final long MAX_SHIFT_NANOS = TickSchedule.MAX_CATCH_UP_TICKS * PERIOD_NANOS;

  /**
   * One tick's output. {@code timestamp}: samples from the mixer's start to the tick's grid time
   * (one frame per tick while audio flows).
   */
  public record Tick(long sequence, long timestamp, Mixer.Mix mix, Map<String, short[]> frames) {}

  private final class Speaker {
    final Rechunker rechunker = new Rechunker(frameSamples);
    final JitterBuffer buffer =
        new JitterBuffer(jitterNanos, MARGIN_NANOS, PERIOD_NANOS, baseDepth);
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

  /** Whether the last tick mixed anything (some speaker is playing). */
  private boolean mixing;

  /** Ticks in the current grid-shift window, and the least wait of any frame mixed in it. */
  private int windowTicks;

  private long windowWait = Long.MAX_VALUE;

  /** How far the grid has been moved earlier in all, to keep timestamps one frame per tick. */
  private long shiftedNanos;

  /**
   * @param frameSamples samples per 20 ms frame (960 at 48 kHz)
   * @param jitter how long past its grid time a tick waits for a playing speaker's late frame
   * @param idle a speaker silent this long, with nothing buffered, is forgotten
   * @param nanoClock monotonic clock ({@code System::nanoTime})
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
      // chunk, up to one frame later than the grid expects it.
      s.buffer.raiseHold(PERIOD_NANOS);
    }
    // Chunks longer than a frame arrive in bursts: keep room for three of them and a frame each.
    int chunkFrames = (length / 2 + frameSamples - 1) / frameSamples;
    s.buffer.ensureCapacity(3 * (chunkFrames + 1));
    if (!frames.isEmpty()) {
      reanchorIfIdle();
    }
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
   * While nobody is playing, moves the grid so that the next tick is due when the oldest waiting
   * frame arrived: the first frame of a talk spurt is mixed at once, not up to a tick later.
   */
  private void reanchorIfIdle() {
    if (mixing) {
      return;
    }
    long oldest = Long.MAX_VALUE;
    for (Speaker s : speakers.values()) {
      oldest = Math.min(oldest, s.buffer.oldestArrival());
    }
    if (oldest != Long.MAX_VALUE && oldest != schedule.nextDeadline()) {
      schedule.reanchor(oldest);
    }
  }

  /**
   * When the next tick is due, on the mixer's clock: its grid time, or later while a playing
   * speaker's frame is still to come, by at most that speaker's patience. Changes when audio
   * arrives; may be in the past (the tick is due at once).
   */
  public long nextDue() {
    long grid = schedule.nextDeadline();
    long wait = 0;
    for (Speaker s : speakers.values()) {
      if (s.buffer.awaited()) {
        wait = Math.max(wait, s.buffer.patienceNanos());
      }
    }
    return grid + wait;
  }

  /**
   * Milliseconds until the next tick is due (0 when it is already due), rounded up: never early.
   */
  public long delayMillis() {
    long wait = nextDue() - clock.getAsLong();
    return wait <= 0 ? 0 : (wait + 999_999) / 1_000_000;
  }

  /** How far the grid has been moved earlier, in all, to shed extra delay. */
  public long shiftedNanos() {
    return shiftedNanos;
  }

  /** Runs the next tick: the mix, or null when nobody is speaking (silence is not sent). */
  public Tick tick() {
    long gridTime = schedule.deadline(schedule.advance());
    long now = clock.getAsLong();
    Map<String, short[]> frames = new HashMap<>();
    // Whether a speaker started or dropped out in this tick, and the least wait of the frames
    // mixed.
    boolean changed = false;
    long leastWait = Long.MAX_VALUE;
    for (Iterator<Map.Entry<String, Speaker>> it = speakers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Speaker> e = it.next();
      Speaker s = e.getValue();
      boolean wasPlaying = s.buffer.isPlaying();
      short[] frame = s.buffer.poll(now);
      if (frame != null) {
        frames.put(e.getKey(), frame);
        leastWait = Math.min(leastWait, s.buffer.waitedNanos());
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
    // Samples from the mixer's start to this tick's grid time, plus however far the grid has been
    // moved earlier: exactly one frame more per tick while audio flows (a catch-up tick too), more
    // than one frame across a pause (whose ticks are not sent).
    long timestamp = (gridTime + shiftedNanos - origin) * frameSamples / PERIOD_NANOS;
    if (changed) {
      restartWindow();
    } else {
      shedDelay(leastWait);
    }
    return new Tick(++sequence, timestamp, Mixer.mix(frames, frameSamples), frames);
  }

  private void restartWindow() {
    windowTicks = 0;
    windowWait = Long.MAX_VALUE;
  }

  /**
   * Counts a tick in which every playing speaker played (none started, none dropped out) and the
   * least any of their frames waited; at the end of a window moves the grid earlier by the window's
   * least wait, so that the next tick comes that much sooner.
   */
  private void shedDelay(long leastWait) {
    windowWait = Math.min(windowWait, leastWait);
    if (++windowTicks < SHIFT_WINDOW_TICKS) {
      return;
    }
    long shift = Math.min(windowWait, MAX_SHIFT_NANOS);
    restartWindow();
    if (shift >= MIN_SHIFT_NANOS) {
      schedule.reanchor(schedule.nextDeadline() - shift);
      shiftedNanos += shift;
    }
  }

  /** True when nothing is playing and no frame waits: no tick is due until audio arrives. */
  public boolean idle() {
    if (mixing) {
      return false;
    }
    for (Speaker s : speakers.values()) {
      if (s.buffer.depth() > 0) {
        return false;
      }
    }
    return true;
  }

  public int speakerCount() {
    return speakers.size();
  }
}
