package dev.podium.recorder;

/**
 * Where each 20 ms frame of the room mix goes in a recording, so that the recording's time follows
 * the wall clock from the moment the host started it: a chat line said {@code t} after the start
 * lines up with the audio {@code t} into the file.
 *
 * <p>Frames are placed by the relay's own timestamps (samples since its mixer started, counting the
 * pauses of a quiet room), so that the event bus's jitter and bursts move nothing. The wall clock
 * anchors the first frame, and again whenever the timestamps break off (another relay took the
 * event over, or its mixer restarted). A gap is filled with silence: before the first frame, while
 * the room is quiet (the relay then sends nothing), across a relay's failover, and across a
 * recorder's (the recording resumes where its file ends). Frames are never dropped: one that comes
 * too early for its slot is written at the next free one.
 *
 * <p>All times are epoch nanoseconds from the caller's clock. Not thread-safe.
 */
final class RecordingTimeline {
  static final long FRAME_NANOS = 20_000_000L;

  /** How long the room may be silent before the file is filled up to the clock. */
  static final long IDLE_NANOS = 1_000_000_000L;

  /** How far behind the clock an idle fill stops (the mix may still be on its way). */
  static final long IDLE_LAG_SLOTS = 10;

  /** A frame this many slots behind the file's end is taken as a new run of timestamps. */
  static final long RESYNC_SLOTS = 50;

  private final long startNanos;
  private final long latencyNanos;
  private long nextSlot;
  private boolean anchored;
  private long anchorSlot;
  private long anchorTs;
  private long lastTs;
  private int frameSamples;
  private long lastFrameNanos = Long.MIN_VALUE;

  /**
   * @param startNanos the recording's time zero
   * @param latencyNanos how long after the wall clock the relay's mix runs (its jitter buffer and
   *     one tick): a frame arriving now was spoken that long ago
   * @param nextSlot the first slot to write (0 for a new file, the file's end when resuming)
   */
  RecordingTimeline(long startNanos, long latencyNanos, long nextSlot) {
    this.startNanos = startNanos;
    this.latencyNanos = latencyNanos;
    this.nextSlot = nextSlot;
  }

  /** The next slot to write: the file's length in frames. */
  long nextSlot() {
    return nextSlot;
  }

  /** The slot the clock says the mix is at now. */
  long wallSlot(long nowNanos) {
    return Math.floorDiv(nowNanos - startNanos - latencyNanos, FRAME_NANOS);
  }

  /**
   * Whether a frame with this timestamp starts a new run of timestamps (the first frame, another
   * relay, a restarted mixer): the run must be anchored to the clock before its frames are placed.
   */
  boolean needsAnchor(long ts, int frameSamples) {
    return !anchored || ts < lastTs || frameSamples != this.frameSamples;
  }

  /**
   * Anchors a new run on its first frames ({@code ts[i]} arrived at {@code arrivals[i]}), by the
   * one that came soonest after it was mixed: a first frame held up on the way (a slow start, a
   * burst) must not push the whole recording late.
   */
  void anchor(long[] ts, long[] arrivals, int frameSamples) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < ts.length; i++) {
      best = Math.min(best, wallSlot(arrivals[i]) - Math.floorDiv(ts[i] - ts[0], frameSamples));
    }
    anchored = true;
    this.frameSamples = frameSamples;
    anchorSlot = Math.max(nextSlot, best);
    anchorTs = ts[0];
    lastTs = ts[0];
  }

  /**
   * A frame with the relay's timestamp {@code ts} ({@code frameSamples} samples per frame) arrived
   * at {@code nowNanos}: returns how many silent frames to write before it. The frame then takes
   * the slot after them. A frame that starts a new run anchors it by itself (see {@link #anchor}).
   */
  long place(long ts, int frameSamples, long nowNanos) {
    if (needsAnchor(ts, frameSamples)) {
      anchor(ts, frameSamples, nowNanos);
    }
    long slot = anchorSlot + Math.floorDiv(ts - anchorTs, frameSamples);
    if (slot > wallSlot(nowNanos) + RESYNC_SLOTS) {
      // Timestamps far ahead of the clock: trust the clock.
      anchor(ts, frameSamples, nowNanos);
      slot = anchorSlot;
    }
    if (slot < nextSlot) {
      if (nextSlot - slot > RESYNC_SLOTS) {
        anchorSlot = nextSlot;
        anchorTs = ts;
      }
      slot = nextSlot;
    }
    long silence = slot - nextSlot;
    nextSlot = slot + 1;
    lastTs = ts;
    lastFrameNanos = nowNanos;
    return silence;
  }

  /**
   * Called now and then: when no frame came for {@link #IDLE_NANOS} (a quiet room), returns how
   * many silent frames bring the file up to just behind the clock.
   */
  long idle(long nowNanos) {
    if (lastFrameNanos != Long.MIN_VALUE && nowNanos - lastFrameNanos < IDLE_NANOS) {
      return 0;
    }
    return fillTo(wallSlot(nowNanos) - IDLE_LAG_SLOTS);
  }

  /** Silent frames that bring the file up to the clock (at a stop, or a takeover's gap). */
  long catchUp(long nowNanos) {
    return fillTo(wallSlot(nowNanos));
  }

  /** Silent frames that bring the file up to {@code atNanos} on the recording's own time. */
  long until(long atNanos) {
    return fillTo(Math.floorDiv(atNanos - startNanos, FRAME_NANOS));
  }

  private long fillTo(long target) {
    if (target <= nextSlot) {
      return 0;
    }
    long silence = target - nextSlot;
    nextSlot = target;
    return silence;
  }

  private void anchor(long ts, int samples, long nowNanos) {
    anchored = true;
    frameSamples = samples;
    anchorSlot = Math.max(nextSlot, wallSlot(nowNanos));
    anchorTs = ts;
  }
}
