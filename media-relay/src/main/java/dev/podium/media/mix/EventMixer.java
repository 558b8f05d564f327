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

  /** Runs the next tick: the mix, or null when nobody is speaking (silence is not sent). */
  public Tick tick() {
    long deadline = schedule.deadline(schedule.advance());
    lastDeadline = deadline;
    long now = clock.getAsLong();
    Map<String, short[]> frames = new HashMap<>();
    for (Iterator<Map.Entry<String, Speaker>> it = speakers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Speaker> e = it.next();
      Speaker s = e.getValue();
      short[] frame = s.buffer.poll(deadline);
      if (frame != null) {
        frames.put(e.getKey(), frame);
      } else if (s.buffer.depth() == 0 && now - s.lastHeardNanos > idleNanos) {
        // Silent too long: forget them (a speaker who comes back starts afresh).
        it.remove();
      }
    }
    mixing = !frames.isEmpty();
    if (!mixing) {
      reanchorIfIdle();
      return null;
    }
    // Samples from the mixer's start to this tick's deadline: exactly one frame more per tick
    // while audio flows, more than one frame across a pause (whose ticks are not sent).
    long timestamp = (deadline - origin) * frameSamples / PERIOD_NANOS;
    return new Tick(++sequence, timestamp, Mixer.mix(frames, frameSamples), frames);
  }

  public int speakerCount() {
    return speakers.size();
  }
}
