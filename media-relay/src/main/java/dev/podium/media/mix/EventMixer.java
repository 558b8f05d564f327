package dev.podium.media.mix;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The audio of one event: each speaker's stream brought to the room's rate and re-chunked into 20
 * ms frames ({@link SpeakerInput}) behind a jitter buffer, mixed once per tick into the room mix
 * and a mix-minus per speaker. Plain logic on a given monotonic clock; the relay calls {@link
 * #ingest} for every chunk that arrives and {@link #tick} when {@link #nextDue} has come.
 *
 * <p>The ticks are the room's playout clock: listeners get one packet per tick and play it as it
 * arrives (today's listener page has no buffer at all), so ticks come one period apart, never in a
 * burst, whatever the speakers' chunking. Ticks sit on a drift-free grid (tick {@code k} at {@code
 * start + k * 20 ms}, see {@link TickSchedule}). A tick never runs before its grid time: frames
 * that arrive early (the later frames of a large chunk) wait for it. It runs at its grid time when
 * every playing speaker's frame is there, else when the last of those frames arrives, but never
 * later than the grid time plus the speaker's patience (the configured jitter, the hold, plus a 2
 * ms margin). A tick that ran late, because it waited for a frame or for the patience to run out,
 * moves the grid later by that much: the next tick is one period after it, not due at once. A frame
 * that arrives in time is mixed at its grid time; one that is late is mixed as it arrives, and from
 * then on the room plays that much later; one later than the patience misses its tick, and its
 * speaker drops out of the mix until the frame arrives. When the late frame is the only one of its
 * tick and its speaker sends frame by frame (no chunk ever brought more than one frame), that
 * lateness is shed again from the next tick on, a step per tick (below): such a speaker paces the
 * room alone, and a frame late on the way says nothing about the next one. A speaker starts with
 * the first tick after its first frame arrives; when nobody is playing and audio arrives, the grid
 * is moved so that a tick is due at once.
 *
 * <p>A speaker whose chunks split frames (today's host page: 4096 samples) has a hold of at least
 * one frame: a frame that straddles two chunks arrives with the second one, up to a frame later
 * than the grid expects it. The grid settles where the latest of those frames arrives.
 *
 * <p>Delay no frame needs is shed by moving the grid earlier, gently: over every window of {@value
 * #SHIFT_WINDOW_TICKS} ticks the mixer keeps the least wait of any frame it mixed; when it is at
 * least {@link #MIN_SHIFT_NANOS} the grid moves that much earlier, {@link #SHED_STEP_NANOS} per
 * tick, so that consecutive packets are never less than a period minus that step apart. Every
 * playing speaker's frames waited at least that long all window long, so none misses a tick, and no
 * frame is lost. A speaker starting or dropping out, or a tick held up by a frame, restarts the
 * window and stops the shedding. A tick that the event loop itself ran late (a busy relay, a
 * timer's slack) does not make the ticks due meanwhile run back to back either: the grid moves
 * later to it and comes back a step per tick, but only as long as the lateness still to shed is at
 * most {@link #MAX_LOOP_FOLLOW_NANOS}; beyond that the relay is overloaded, and the ticks due
 * meanwhile run at once (at most {@value TickSchedule#MAX_CATCH_UP_TICKS}, then the schedule skips
 * ahead). A room that followed an overloaded relay without bound drifted later tick after tick
 * until its buffers overflowed. A room whose only playing speaker sends frame by frame does not
 * follow its relay at all: its frames set the pace, and following the relay put the grid behind
 * them, where every tick waited for a timer, ran late and was followed again. Such a speaker's
 * frames that come together (within {@link #BURST_NANOS} of each other: held up on the way and let
 * go at once) are mixed as they came, the next tick due at once. A single speaker's backlog that
 * the grid cannot remove, because another speaker sets the ticks, is shed by its {@link
 * JitterBuffer}, one frame at a time after a much longer window.
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
   * Ticks over which the least wait of all playing speakers is taken before moving the grid (1 s).
   */
  static final int SHIFT_WINDOW_TICKS = 50;

  /**
   * The grid moves earlier only when every frame of a window waited at least this long: less is the
   * jitter of the speakers' arrivals, which the grid would only have to follow back later.
   */
  static final long MIN_SHIFT_NANOS = 3_000_000L;

  /**
   * The grid moves earlier by at most this much per tick: the packet after it comes this much
   * early.
   */
  static final long SHED_STEP_NANOS = 2_000_000L;

  /** Ticks over which a backlog is judged (0.2 s). */
  static final int BACKLOG_WINDOW_TICKS = 10;

  /**
   * A backlog: every frame mixed in a backlog window waited at least this long (four periods, more
   * than the default jitter of 60 ms). Frames pile up like this after the relay or a speaker's path
   * stalled and then delivered all at once; shedding it 2 ms per tick took seconds, during which
   * the next stall piled more on, until the speakers' buffers overflowed (a loaded relay lost
   * frames that way). Below it, shedding is gentle and packets stay about a period apart.
   */
  static final long BACKLOG_NANOS = 4 * PERIOD_NANOS;

  /**
   * A backlog is shed at most this much at once: as many ticks as the schedule runs back to back.
   */
  static final long MAX_SHIFT_NANOS = TickSchedule.MAX_CATCH_UP_TICKS * PERIOD_NANOS;

  /**
   * How far, in all, the room follows ticks that its relay's event loop ran late, before it is back
   * on its grid: a timer's slack or a short GC pause is followed, and packets stay a period apart;
   * beyond this the relay is overloaded, and the ticks due meanwhile run at once. Two periods: at
   * half a period, pauses of a busy test JVM made today's listener page play catch-up packets on
   * top of each other. The lateness being shed is the room's, so the speakers' {@link
   * JitterBuffer}s do not count it as a backlog of theirs.
   */
  static final long MAX_LOOP_FOLLOW_NANOS = 2 * PERIOD_NANOS;

  /**
   * Rates found for speakers who left the mix, kept for when they speak again (least recently used
   * go).
   */
  static final int REMEMBERED_RATES = 256;

  /**
   * One tick's output. {@code timestamp}: samples from the mixer's start to the tick's grid time,
   * corrected for the grid's moves (one frame per tick while audio flows). {@code waitNanos}: the
   * longest any of its frames waited in its buffer, from its arrival to this tick (the delay the
   * room's clock added to it).
   */
  public record Tick(
      long sequence, long timestamp, Mixer.Mix mix, Map<String, short[]> frames, long waitNanos) {}

  private final class Speaker {
    final SpeakerInput input;
    final JitterBuffer buffer =
        new JitterBuffer(jitterNanos, MARGIN_NANOS, PERIOD_NANOS, baseDepth);
    long lastHeardNanos;

    /**
     * Every chunk so far brought at most one frame and split none: the sender paces its frames
     * itself, so a late one is the path's delay, not a frame waiting for the rest of its chunk.
     */
    boolean sendsFrameByFrame = true;

    Speaker(int assumedRate) {
      this.input = new SpeakerInput(roomRate, frameSamples, assumedRate);
    }
  }

  private final int frameSamples;
  private final int roomRate;
  private final long jitterNanos;
  private final int baseDepth;
  private final long idleNanos;
  private final LongSupplier clock;
  private final TickSchedule schedule;
  private final long origin;
  private final Map<String, Speaker> speakers = new LinkedHashMap<>();

  /** The rate found for each recent speaker, so one who comes back does not start from a guess. */
  private final Map<String, Integer> knownRates =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > REMEMBERED_RATES;
        }
      };

  private long sequence;

  /** Ticks in the current backlog window, and the least wait of any frame mixed in it. */
  private int backlogTicks;

  private long backlogWait = Long.MAX_VALUE;
  private long backlogSheds;

  /** Frames dropped by the buffers of speakers no longer here. */
  private long droppedByGone;

  private long speakerMisses;

  /** Whether the last tick mixed anything (some speaker is playing). */
  private boolean mixing;

  /** Ticks in the current grid-shift window, and the least wait of any frame mixed in it. */
  private int windowTicks;

  private long windowWait = Long.MAX_VALUE;

  /** What is left of the current shedding, moved {@link #SHED_STEP_NANOS} per tick. */
  private long pendingShedNanos;

  /**
   * The speaker the last tick mixed alone, when they send frame by frame (else null), and when the
   * frame it mixed of theirs arrived: their next frame arriving soon after came with it.
   */
  private Speaker lastLone;

  private long lastMixedArrival;

  /** How far the grid has been moved earlier in all, and later; the timestamp counts both out. */
  private long shiftedNanos;

  private long followedNanos;

  /**
   * @param frameSamples samples per 20 ms frame (960 at 48 kHz); the room's rate is 50 times that
   * @param jitter how long past its grid time a tick waits for a playing speaker's late frame
   * @param idle a speaker silent this long, with nothing buffered, is forgotten
   * @param nanoClock monotonic clock ({@code System::nanoTime})
   */
  public EventMixer(int frameSamples, Duration jitter, Duration idle, LongSupplier nanoClock) {
    this.frameSamples = frameSamples;
    this.roomRate = (int) (frameSamples * (1_000_000_000L / PERIOD_NANOS));
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

  /** A chunk of PCM from a speaker who did not declare its rate, arriving now. */
  public void ingest(String userId, byte[] pcm, int offset, int length) {
    ingest(userId, pcm, offset, length, 0);
  }

  /**
   * A chunk of PCM from a speaker, arriving now.
   *
   * @param declaredRate the sample rate its sender declared, or 0 (then it is estimated)
   */
  public void ingest(String userId, byte[] pcm, int offset, int length, int declaredRate) {
    long now = clock.getAsLong();
    Speaker s = speaker(userId, now);
    List<short[]> frames = s.input.push(pcm, offset, length, now, declaredRate);
    int found = s.input.foundRate();
    if (found > 0) {
      knownRates.put(userId, found);
    }
    for (short[] frame : frames) {
      s.buffer.offer(frame, now);
    }
    if (!frames.isEmpty() && s.input.partial()) {
      // This chunk completed a frame and began the next one: that frame arrives with a later
      // chunk, up to one frame later than the grid expects it.
      s.buffer.raiseHold(PERIOD_NANOS);
      s.sendsFrameByFrame = false;
    }
    if (frames.size() > 1) {
      s.sendsFrameByFrame = false;
    }
    // Chunks longer than a frame arrive in bursts: keep room for three of them and a frame each.
    long chunkSamples = (long) (length / 2) * roomRate / s.input.rate();
    int chunkFrames = (int) ((chunkSamples + frameSamples - 1) / frameSamples);
    s.buffer.ensureCapacity(3 * (chunkFrames + 1));
    if (!frames.isEmpty()) {
      reanchorIfIdle();
    }
    if (frames.size() == 1 && cameInABurst(s) && aloneIn(s)) {
      // The lone speaker's frame came with the one just mixed: see cameInABurst.
      catchUp(now);
    }
  }

  /** Whether no speaker but {@code s} is playing or has a frame waiting. */
  private boolean aloneIn(Speaker s) {
    for (Speaker other : speakers.values()) {
      if (other != s && (other.buffer.isPlaying() || other.buffer.depth() > 0)) {
        return false;
      }
    }
    return true;
  }

  private Speaker speaker(String userId, long now) {
    Speaker s = speakers.get(userId);
    if (s == null) {
      s = new Speaker(knownRates.getOrDefault(userId, roomRate));
      speakers.put(userId, s);
    }
    s.lastHeardNanos = now;
    return s;
  }

  /**
   * The sample rate a speaker's audio is taken to have now (declared, found or assumed); 0 when
   * unknown.
   */
  public int speakerRate(String userId) {
    Speaker s = speakers.get(userId);
    return s == null ? 0 : s.input.rate();
  }

  /** Forgets a speaker at once (removed, muted or stepped down). */
  public void dropSpeaker(String userId) {
    Speaker gone = speakers.remove(userId);
    if (gone != null) {
      droppedByGone += gone.buffer.dropped();
    }
    reanchorIfIdle();
  }

  /**
   * Frames discarded so far by every speaker's jitter buffer (full, or skipped to shed a standing
   * backlog): audio the room never heard.
   */
  public long droppedFrames() {
    long dropped = droppedByGone;
    for (Speaker s : speakers.values()) {
      dropped += s.buffer.dropped();
    }
    return dropped;
  }

  /**
   * Ticks in which a playing speaker's frame had not come within its patience: a gap, or the end of
   * a talk spurt (not told apart when it happens).
   */
  public long speakerMisses() {
    return speakerMisses;
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

  /** Nanoseconds until the next tick is due (0 when it is already due). */
  public long delayNanos() {
    return Math.max(0, nextDue() - clock.getAsLong());
  }

  /** How far the grid has been moved earlier, in all, to shed extra delay. */
  public long shiftedNanos() {
    return shiftedNanos;
  }

  /** How far the grid has been moved later, in all, to follow late ticks. */
  public long followedNanos() {
    return followedNanos;
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
    long longestWait = 0;
    // Until when this tick was held: its grid time, or the arrival of a playing speaker's late
    // frame, or the end of the patience given to one whose frame did not come.
    long heldUntil = gridTime;
    // The one speaker mixed in this tick, if it is one who sends frame by frame.
    Speaker lone = null;
    for (Iterator<Map.Entry<String, Speaker>> it = speakers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Speaker> e = it.next();
      Speaker s = e.getValue();
      boolean wasPlaying = s.buffer.isPlaying();
      short[] frame = s.buffer.poll(now, pendingShedNanos);
      if (frame != null) {
        frames.put(e.getKey(), frame);
        lone = frames.size() == 1 && s.sendsFrameByFrame ? s : null;
        leastWait = Math.min(leastWait, s.buffer.waitedNanos());
        longestWait = Math.max(longestWait, s.buffer.waitedNanos());
        changed |= !wasPlaying;
        if (wasPlaying) {
          heldUntil = Math.max(heldUntil, now - s.buffer.waitedNanos());
        }
      } else {
        changed |= wasPlaying;
        if (wasPlaying) {
          // The tick waited for it: the room plays from the end of that wait on.
          heldUntil = Math.max(heldUntil, gridTime + s.buffer.patienceNanos());
          speakerMisses++;
        }
        if (s.buffer.depth() == 0 && now - s.lastHeardNanos > idleNanos) {
          // Silent too long: forget them (a speaker who comes back starts afresh).
          droppedByGone += s.buffer.dropped();
          it.remove();
        }
      }
    }
    mixing = !frames.isEmpty();
    lastLone = lone;
    if (lone != null) {
      lastMixedArrival = now - lone.buffer.waitedNanos();
    }
    if (!mixing) {
      restartWindow();
      backlogTicks = 0;
      backlogWait = Long.MAX_VALUE;
      reanchorIfIdle();
      return null;
    }
    // Samples from the mixer's start to this tick's grid time, corrected by however far the grid
    // has moved: exactly one frame more per tick while audio flows, more than one frame across a
    // pause (whose ticks are not sent).
    long timestamp =
        (gridTime + shiftedNanos - followedNanos - origin) * frameSamples / PERIOD_NANOS;
    long late = Math.min(heldUntil, now) - gridTime;
    if (late > 0) {
      // The room plays from this tick on: the next one a period after it, not due at once.
      schedule.reanchor(gridTime + late + PERIOD_NANOS);
      followedNanos += late;
      if (lone != null && !changed) {
        // A lone speaker who sends frame by frame sets the room's pace alone: its late frame was
        // late on the way, and its next one is likely on time again. The lateness is shed from
        // the next tick on, a step per tick, instead of after a window with no late frame: with
        // frames late now and then (a busy sender or relay), that window never came and the room
        // played as late as the latest frame of the last seconds.
        windowTicks = 0;
        windowWait = Long.MAX_VALUE;
        pendingShedNanos = Math.min(pendingShedNanos + late, MAX_SHIFT_NANOS);
      } else {
        restartWindow();
      }
    } else if (changed) {
      restartWindow();
    }
    long loopLate = now - Math.max(gridTime, heldUntil);
    if (loopLate > SHED_STEP_NANOS && lone == null) {
      // The event loop ran this tick late (a busy relay, a timer's slack): rather than run the
      // ticks due meanwhile back to back, the room follows it and comes back a step per tick, but
      // only as far as MAX_LOOP_FOLLOW_NANOS in all. Past that the relay is overloaded: following
      // it further made every room drift later tick after tick until its buffers overflowed.
      // A lone speaker who sends frame by frame is not followed: its own frames pace the room,
      // and following the relay put the room's clock behind them, so that every tick waited for
      // a timer instead of running as its frame arrived, ran late again, and was followed again
      // (100 such rooms on one 2-core machine sat 34 ms behind their hosts at the median).
      long follow = Math.min(loopLate, MAX_LOOP_FOLLOW_NANOS - pendingShedNanos);
      if (follow > 0) {
        schedule.reanchor(schedule.nextDeadline() + follow);
        followedNanos += follow;
        pendingShedNanos += follow;
        windowTicks = 0;
        windowWait = Long.MAX_VALUE;
      }
    }
    if (lone != null && !changed && cameInABurst(lone)) {
      // The lone speaker's next frame came with the one just mixed: its frames were held up on the
      // way (a gateway loop or the network busy) and came in a burst. They are mixed back to back
      // as they came, as a relay without a clock would forward them. Paced a period apart, a burst
      // kept the room behind by its length until it was shed (2 ms a tick, or 100 ms per 0.2 s),
      // and on a busy machine bursts came faster than that: with 500 listeners over 250 rooms,
      // frames waited 66 ms in their buffers on average, and rooms dropped frames at their
      // buffers' limit (docs/benchmarks.md, set BM).
      catchUp(now);
    } else if (shedBacklog(leastWait)) {
      // shed at once: nothing left for the steps below
    } else if (pendingShedNanos > 0) {
      shedStep();
    } else if (late <= 0 && !changed) {
      countWindow(leastWait);
    }
    return new Tick(++sequence, timestamp, Mixer.mix(frames, frameSamples), frames, longestWait);
  }

  /**
   * Counts the least wait of this tick's frames into the backlog window; at its end, when every
   * frame of it waited at least {@link #BACKLOG_NANOS}, moves the grid earlier at once by all but a
   * period of that wait (at most {@link #MAX_SHIFT_NANOS}): the ticks due then run back to back.
   * Returns whether it did.
   */
  private boolean shedBacklog(long leastWait) {
    backlogWait = Math.min(backlogWait, leastWait);
    if (++backlogTicks < BACKLOG_WINDOW_TICKS) {
      return false;
    }
    long wait = backlogWait;
    backlogTicks = 0;
    backlogWait = Long.MAX_VALUE;
    if (wait < BACKLOG_NANOS) {
      return false;
    }
    long shed = Math.min(wait - PERIOD_NANOS, MAX_SHIFT_NANOS);
    schedule.reanchor(schedule.nextDeadline() - shed);
    shiftedNanos += shed;
    backlogSheds++;
    restartWindow();
    return true;
  }

  /** How many times a backlog was shed at once ({@link #shedBacklog}). */
  public long backlogSheds() {
    return backlogSheds;
  }

  private void restartWindow() {
    windowTicks = 0;
    windowWait = Long.MAX_VALUE;
    pendingShedNanos = 0;
  }

  /**
   * Counts a tick in which every playing speaker played on time (none started, none dropped out,
   * none was waited for) and the least any of their frames waited; at the end of a window starts
   * moving the grid earlier by the window's least wait, a step per tick. Not called while a
   * shedding is under way.
   */
  private void countWindow(long leastWait) {
    windowWait = Math.min(windowWait, leastWait);
    if (++windowTicks < SHIFT_WINDOW_TICKS) {
      return;
    }
    long shift = windowWait;
    restartWindow();
    if (shift >= MIN_SHIFT_NANOS) {
      pendingShedNanos = shift;
      shedStep();
    }
  }

  /**
   * Whether the speaker the last tick mixed alone has a next frame here already that arrived within
   * {@link #BURST_NANOS} of the frame just mixed: the two came together, not a period apart. A
   * frame that arrives later, while the next tick is still ahead, is looked at as it arrives
   * ({@link #ingest}): a burst reaches the relay one message at a time, and the first frame's tick
   * runs before the next is in. Frames that arrived a period apart and wait because the room plays
   * later than they came (it waited for another speaker who stopped) are not a burst: they stay
   * paced, and the delay is shed gently.
   */
  private boolean cameInABurst(Speaker speaker) {
    return speaker == lastLone
        && speaker.buffer.depth() > 0
        && speaker.buffer.oldestArrival() - lastMixedArrival < BURST_NANOS;
  }

  /**
   * Frames of one speaker that arrive closer than this came together on the way: a loop or a link
   * that held them up let them go at once. Frames a sender's timer or the network made late arrive
   * further apart and stay paced (a 12 ms late frame and the next one on time are 8 ms apart).
   */
  static final long BURST_NANOS = 2_000_000L;

  /**
   * Makes the next tick due at {@code now}, if it was not already (the grid moves earlier by
   * however far it was ahead), and forgets any shedding under way: the room is with its frames
   * again.
   */
  private void catchUp(long now) {
    long ahead = schedule.nextDeadline() - now;
    if (ahead <= 0) {
      return;
    }
    schedule.reanchor(now);
    shiftedNanos += ahead;
    pendingShedNanos = 0;
    windowTicks = 0;
    windowWait = Long.MAX_VALUE;
    backlogTicks = 0;
    backlogWait = Long.MAX_VALUE;
  }

  /** The next tick comes a step sooner than a period after this one. */
  private void shedStep() {
    long step = Math.min(pendingShedNanos, SHED_STEP_NANOS);
    schedule.reanchor(schedule.nextDeadline() - step);
    shiftedNanos += step;
    pendingShedNanos -= step;
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
