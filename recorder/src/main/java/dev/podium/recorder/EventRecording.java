package dev.podium.recorder;

import dev.podium.api.history.HistoryNotice;
import dev.podium.api.media.MediaPacket;
import dev.podium.recorder.ogg.OggOpusWriter;
import dev.podium.recorder.ogg.OggPages;
import dev.podium.recorder.ogg.ResumePoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One recording this recorder writes now: the room mix of its event, encoded and placed on the
 * recording's timeline ({@link RecordingTimeline}), written as Ogg Opus to {@code
 * <eventId>/<recordingId>.opus}. The event loop only notes when each frame came and where it goes;
 * encoding and writing run on a worker, twice a second, in order. (Encoding on the event loop made
 * a cold recorder fall behind its frames and stamp them late: measured 0.1-0.3 s late in the file.)
 * A file that exists already (another recorder wrote it and died, or gave the event up) is repaired
 * and continued; the time it was not written is silence in the file and a gap in the record.
 *
 * <p>Created and used on the recorder's event loop.
 */
final class EventRecording {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(EventRecording.class);

  /** How often encoded frames go to the file (and a quiet room's silence is added). */
  static final long WRITE_MS = 500;

  /** How often the record hears the recording's length (so a killed recorder leaves it too). */
  static final int PROGRESS_EVERY_WRITES = 10;

  /** How often a file locked by another process is tried again. */
  static final long LOCK_RETRY_MS = 1_000;

  /** Frames held while the file is not open yet (10 s); older ones are dropped. */
  static final int MAX_EARLY_FRAMES = 500;

  private final Vertx vertx;
  private final RecordingFiles files;
  private final String eventId;
  private final String recordingId;
  private final Instant startedAt;
  private final long latencyNanos;
  private final Consumer<JsonObject> notices;
  private final String name;
  private final RoomMixEncoder encoder = new RoomMixEncoder();

  /** The file's pre-skip (its OpusHead's, when continued), read on the worker. */
  private volatile int preSkip = encoder.preSkip();

  private RecordingTimeline timeline;
  private RecordingFiles.Locked file;
  private OggOpusWriter writer;

  /** Frames that came before the file was open, with when they came. */
  private final ArrayDeque<Arrival> early = new ArrayDeque<>();

  /** The first frames of a new run of timestamps, held until they anchor it. */
  private final List<Arrival> held = new ArrayList<>();

  private record Arrival(Buffer packet, long atNanos) {}

  /**
   * How many frames anchor a run (2 s): the one that came soonest sets the timeline. Long enough to
   * outlast a first burst held up on its way (the first messages to a new address wait for the
   * cluster's lookup of it: measured 0.6 s on a loaded machine).
   */
  static final int ANCHOR_FRAMES = 100;

  /** A shorter run (the room went quiet) is anchored once its first frame is this old. */
  static final long ANCHOR_WAIT_NANOS = 2_500_000_000L;

  /** Frames placed since the last write: a {@code short[]} of PCM, or a {@code Long} of silence. */
  private List<Object> placed = new ArrayList<>();

  private long timer = -1;
  private int writes;
  private boolean closed;

  /** Written on the worker, read for notices. */
  private volatile long durationMs;

  private volatile long bytes;

  EventRecording(
      Vertx vertx,
      RecordingFiles files,
      String eventId,
      String recordingId,
      Instant startedAt,
      long latencyNanos,
      Consumer<JsonObject> notices) {
    this.vertx = vertx;
    this.files = files;
    this.eventId = eventId;
    this.recordingId = recordingId;
    this.startedAt = startedAt;
    this.latencyNanos = latencyNanos;
    this.notices = notices;
    this.name = RecordingFiles.name(eventId, recordingId);
  }

  String recordingId() {
    return recordingId;
  }

  /** Opens (or continues) the file; tries again while another process holds it. */
  void start() {
    if (closed) {
      return;
    }
    vertx
        .executeBlocking(this::openFile, true)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.atError()
                    .addKeyValue("event_id", eventId)
                    .addKeyValue("recording_id", recordingId)
                    .log("recording file cannot be opened: {}", ar.cause().getMessage());
                retryLater();
              } else if (ar.result().isEmpty()) {
                retryLater();
              } else if (ar.result().get().file() == null) {
                LOG.atInfo()
                    .addKeyValue("event_id", eventId)
                    .addKeyValue("recording_id", recordingId)
                    .log("recording already finished; not reopened");
                closed = true;
              } else if (closed) {
                closeQuietly(ar.result().get().file());
              } else {
                opened(ar.result().get());
              }
            });
  }

  private void retryLater() {
    if (!closed) {
      vertx.setTimer(LOCK_RETRY_MS, id -> start());
    }
  }

  /** What opening found: the locked file, its writer, and where the file ended. */
  private record Opened(
      RecordingFiles.Locked file, OggOpusWriter writer, long nextSlot, boolean resumed) {}

  private Optional<Opened> openFile() throws Exception {
    Optional<RecordingFiles.Locked> locked = files.openLocked(name);
    if (locked.isEmpty()) {
      return Optional.empty();
    }
    RecordingFiles.Locked f = locked.get();
    try {
      if (f.channel().size() == 0) {
        OggOpusWriter w =
            OggOpusWriter.start(
                f.channel(),
                ThreadLocalRandom.current().nextInt(),
                encoder.preSkip(),
                RoomMixEncoder.RATE,
                List.of(
                    "PODIUM_EVENT=" + eventId,
                    "PODIUM_RECORDING=" + recordingId,
                    "PODIUM_STARTED_AT=" + startedAt));
        return Optional.of(new Opened(f, w, 0, false));
      }
      ResumePoint point = OggPages.repairForAppend(f.channel());
      if (point.endsWithEos()) {
        // Finished by whoever stopped it: a finished recording is never written again (a stale
        // list of recording events must not reopen it).
        closeQuietly(f);
        return Optional.of(new Opened(null, null, -1, true));
      }
      preSkip = point.preSkip();
      OggOpusWriter w = OggOpusWriter.resume(f.channel(), point);
      long slots = Math.max(0, (point.granule() - point.preSkip()) / RoomMixEncoder.FRAME);
      return Optional.of(new Opened(f, w, slots, true));
    } catch (Exception e) {
      closeQuietly(f);
      throw e;
    }
  }

  private void opened(Opened opened) {
    file = opened.file();
    writer = opened.writer();
    long now = nowNanos();
    timeline = new RecordingTimeline(epochNanos(startedAt), latencyNanos, opened.nextSlot());
    long gap = timeline.catchUp(now);
    if (opened.resumed() && gap > 0) {
      long from = opened.nextSlot() * 20;
      long to = (opened.nextSlot() + gap) * 20;
      LOG.atWarn()
          .addKeyValue("event_id", eventId)
          .addKeyValue("recording_id", recordingId)
          .addKeyValue("from_ms", from)
          .addKeyValue("to_ms", to)
          .log("continuing a recording another recorder left: the gap is silence");
      notices.accept(HistoryNotice.recordingGap(eventId, recordingId, from, to, Instant.now()));
    } else {
      LOG.atInfo()
          .addKeyValue("event_id", eventId)
          .addKeyValue("recording_id", recordingId)
          .log(opened.resumed() ? "continuing recording" : "recording");
    }
    silence(gap);
    while (!early.isEmpty()) {
      frame(early.removeFirst());
    }
    progress(null);
    timer = vertx.setPeriodic(WRITE_MS, id -> tick());
  }

  /** A media packet of the event (on the event loop). */
  void onMedia(Buffer packet) {
    if (closed) {
      return;
    }
    if (timeline == null) {
      if (early.size() == MAX_EARLY_FRAMES) {
        early.removeFirst();
      }
      early.addLast(new Arrival(packet, nowNanos()));
      return;
    }
    frame(new Arrival(packet, nowNanos()));
  }

  private void frame(Arrival arrival) {
    MediaPacket media = MediaPacket.decode(arrival.packet());
    if (media.kind() != MediaPacket.KIND_AUDIO || media.payload().length() < 2) {
      return;
    }
    int samples = media.payload().length() / 2;
    if (RoomMixEncoder.FRAME % samples != 0) {
      return; // not a 20 ms frame of a rate Podium mixes at
    }
    if (!held.isEmpty() || timeline.needsAnchor(media.timestamp(), samples)) {
      held.add(arrival);
      if (held.size() >= ANCHOR_FRAMES) {
        placeHeld();
      }
      return;
    }
    place(media, arrival.atNanos());
  }

  /** Anchors the run the held frames start, then places them. */
  private void placeHeld() {
    if (held.isEmpty()) {
      return;
    }
    List<MediaPacket> frames = new ArrayList<>();
    for (Arrival a : held) {
      frames.add(MediaPacket.decode(a.packet()));
    }
    int samples = frames.get(0).payload().length() / 2;
    // The run is the held frames up to the first that breaks it again (its own run follows).
    int run = 1;
    while (run < frames.size()
        && frames.get(run).timestamp() >= frames.get(run - 1).timestamp()
        && frames.get(run).payload().length() / 2 == samples) {
      run++;
    }
    long[] ts = new long[run];
    long[] at = new long[run];
    for (int i = 0; i < run; i++) {
      ts[i] = frames.get(i).timestamp();
      at[i] = held.get(i).atNanos();
    }
    timeline.anchor(ts, at, samples);
    List<Arrival> rest = new ArrayList<>(held.subList(run, held.size()));
    for (int i = 0; i < run; i++) {
      place(frames.get(i), held.get(i).atNanos());
    }
    held.clear();
    rest.forEach(this::frame);
  }

  private void place(MediaPacket media, long atNanos) {
    short[] pcm = pcm(media.payload());
    silence(timeline.place(media.timestamp(), pcm.length, atNanos));
    placed.add(pcm);
  }

  private void silence(long frames) {
    if (frames > 0) {
      placed.add(frames);
    }
  }

  private void tick() {
    long now = nowNanos();
    if (!held.isEmpty()) {
      if (now - held.get(0).atNanos() < ANCHOR_WAIT_NANOS) {
        return; // still anchoring: no idle silence before the held frames
      }
      placeHeld();
    }
    silence(timeline.idle(now));
    write(false)
        .onSuccess(
            v -> {
              if (++writes % PROGRESS_EVERY_WRITES == 0) {
                progress(null);
              }
            });
  }

  /**
   * Hands the frames placed so far to the worker, which encodes and writes them (and ends the
   * stream).
   */
  private Future<Void> write(boolean last) {
    List<Object> batch = placed;
    placed = new ArrayList<>();
    OggOpusWriter w = writer;
    return vertx.executeBlocking(
        () -> {
          // The encoder is used here only, one task at a time (ordered), never on the loop.
          for (Object frame : batch) {
            if (frame instanceof short[] pcm) {
              w.append(encoder.encode(pcm), RoomMixEncoder.FRAME);
            } else {
              for (long i = (Long) frame; i > 0; i--) {
                w.append(encoder.silence(), RoomMixEncoder.FRAME);
              }
            }
          }
          if (last) {
            w.finish();
          } else {
            w.flush();
          }
          durationMs = Math.max(0, w.granule() - preSkip) / 48;
          bytes = w.bytesWritten();
          return null;
        },
        true);
  }

  /**
   * The recording stopped (the host stopped it, or the event ended) at {@code at}: silence up to
   * then, the stream's last page, and the record told.
   */
  Future<Void> finish(Instant at) {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    vertx.cancelTimer(timer);
    if (timeline == null) {
      return Future.succeededFuture();
    }
    placeHeld();
    // Up to the stop on the recording's own time: what was said until then is in.
    silence(timeline.until(epochNanos(at)));
    return write(true).onComplete(ar -> progress(at)).eventually(this::closeFile);
  }

  /**
   * Another recorder takes the event over (or this one stops): what is encoded is written, the
   * stream stays open for it to continue, and the file's lock is released.
   */
  Future<Void> release() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    vertx.cancelTimer(timer);
    if (timeline == null) {
      return Future.succeededFuture();
    }
    placeHeld();
    return write(false).onComplete(ar -> progress(null)).eventually(this::closeFile);
  }

  private Future<Void> closeFile() {
    RecordingFiles.Locked f = file;
    return vertx.executeBlocking(
        () -> {
          closeQuietly(f);
          return null;
        },
        true);
  }

  private void progress(Instant stoppedAt) {
    notices.accept(
        HistoryNotice.recording(
            eventId, recordingId, startedAt, name, durationMs, bytes, stoppedAt));
  }

  private static short[] pcm(Buffer payload) {
    short[] out = new short[payload.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = payload.getShortLE(i * 2);
    }
    return out;
  }

  private static void closeQuietly(RecordingFiles.Locked f) {
    try {
      f.close();
    } catch (Exception e) {
      LOG.debug("closing a recording file failed", e);
    }
  }

  private static long nowNanos() {
    return epochNanos(Instant.now());
  }

  private static long epochNanos(Instant at) {
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }
}
