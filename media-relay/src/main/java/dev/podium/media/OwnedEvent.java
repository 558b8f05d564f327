package dev.podium.media;

import dev.podium.api.Addresses;
import dev.podium.api.media.AudioChunkHeaders;
import dev.podium.api.media.MediaDemand;
import dev.podium.api.media.MediaPacket;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.media.codec.Opus;
import dev.podium.media.mix.EventMixer;
import dev.podium.media.mix.LevelMeter;
import dev.podium.media.mix.MixDemand;
import dev.podium.runtime.rooms.RoomChannel;
import io.github.jaredmdobson.concentus.OpusException;
import io.vertx.core.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An event whose mixer runs on this relay: takes speakers' chunks from {@code mediaIn}, mixes on
 * the mixer's drift-free 20 ms grid, publishes each tick once to the gateways and the speakers'
 * levels to the room. A tick runs as soon as the mixer says it is due ({@link EventMixer#nextDue}):
 * audio that arrives can make it due sooner (the frame the tick waited for), so {@link #onChunk}
 * replaces the pending timer whenever the due time moves, and runs the tick there and then when it
 * is already due; while nothing plays and no frame waits, no tick is scheduled at all, so a silent
 * room costs its relay no timer. A tick is published only while some gateway node wants the room
 * mix, and encoded in Opus only while one has an Opus listener ({@link MixDemand}, fed from {@code
 * mediaDemand}). While nobody wants it the relay tells the event's gateways so ({@link
 * MediaPacket#audience}, repeated every second while audio still comes), and they stop sending the
 * speakers' audio: a room that streams to nobody costs its relay next to nothing.
 */
final class OwnedEvent {
  private final Vertx vertx;
  private final RoomChannel roomChannel;
  private final String eventId;
  private final EventMixer mixer;
  private final LevelMeter levels;
  private final boolean opusEnabled;

  /** Made afresh whenever encoding resumes, so a packet is never built on audio from long ago. */
  private Opus.Encoder opus;

  private final Map<String, Opus.Decoder> decoders = new java.util.HashMap<>();
  private final int sampleRate;
  private final io.micrometer.core.instrument.Timer tickLag;
  private final io.micrometer.core.instrument.Timer frameWait;
  private final io.micrometer.core.instrument.Counter ticksMixed;
  private final io.micrometer.core.instrument.Counter ticksUnheard;
  private final io.micrometer.core.instrument.Counter opusEncoded;

  /**
   * Frames a speaker's buffer discarded (full, or shedding a backlog): the room never heard them.
   */
  private final io.micrometer.core.instrument.Counter framesDropped;

  /**
   * Ticks in which a playing speaker's frame did not come in time: a gap, or the end of a spurt.
   */
  private final io.micrometer.core.instrument.Counter speakerMisses;

  /** Backlogs (frames waiting 80 ms or more) shed at once in a burst of catch-up ticks. */
  private final io.micrometer.core.instrument.Counter backlogSheds;

  /** The mixer's own counts when last added to the counters above. */
  private long droppedSeen;

  private long shedsSeen;

  private long missesSeen;
  private final MixDemand demand;
  private final MessageConsumer<JsonObject> demandConsumer;

  /**
   * The pending tick's timer, or null (a timer in nanoseconds: a millisecond one would add up to 1
   * ms of jitter).
   */
  private Timer timer;

  /** When the pending tick is due, as the mixer said when it was scheduled. */
  private long pendingDue;

  /**
   * When the pending tick could first run: its due time, or when it was scheduled if that was
   * later.
   */
  private long runnableAt;

  /** Bumped whenever the pending tick is replaced; a callback of an older one does nothing. */
  private long generation;

  /** No tick is scheduled because nothing plays and nothing waits; the next chunk schedules one. */
  private boolean idle = true;

  private boolean stopped;

  /**
   * For the log of an event's first moments on this relay (a takeover's delays are only seen
   * there): when it started here, whether a chunk and a mix were seen yet, and how many gateway
   * nodes the mix last went to.
   */
  private final long startedAt = System.nanoTime();

  private boolean chunkSeen;
  private int mixNodes = -1;

  /** How long after the start a change in the mix's gateway nodes is logged. */
  private static final long EARLY_NANOS = 30_000_000_000L;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OwnedEvent.class);

  /** Whether the gateways were last told that somebody hears the room, and when. */
  private boolean announcedHeard;

  private long audienceNoticeAt;

  /** How often the gateways that still send audio hear "nobody listens" again. */
  static final long AUDIENCE_REPEAT_NANOS = 1_000_000_000L;

  /**
   * @param newEvent the event has just gone live (this relay heard it start), rather than moved
   *     here or found later: see {@link MixDemand#NEW_EVENT_GRACE_NANOS}
   */
  OwnedEvent(Vertx vertx, String eventId, MediaConfig config, boolean newEvent) {
    this.demand = new MixDemand(System.nanoTime(), newEvent);
    this.vertx = vertx;
    this.roomChannel = new RoomChannel(vertx);
    this.eventId = eventId;
    this.mixer =
        new EventMixer(
            config.frameSamples(), config.jitter(), Duration.ofSeconds(5), System::nanoTime);
    this.levels =
        new LevelMeter((int) (config.levelsInterval().toMillis() / MediaConfig.FRAME_MILLIS));
    this.sampleRate = config.sampleRate();
    io.micrometer.core.instrument.MeterRegistry metrics =
        dev.podium.runtime.ops.Observability.registry(vertx);
    this.tickLag =
        io.micrometer.core.instrument.Timer.builder("podium_mixer_tick_lag")
            .description(
                "How late a mix tick ran after it became due (its grid time, the arrival of the frame it waited for, or the end of its wait)")
            .publishPercentileHistogram()
            .register(metrics);
    this.frameWait =
        io.micrometer.core.instrument.Timer.builder("podium_mixer_frame_wait")
            .description(
                "How long the longest-waiting frame of each mixed tick waited in its speaker's buffer, from its arrival to the tick: the delay the room's playout clock adds")
            .publishPercentileHistogram()
            .register(metrics);
    this.ticksMixed = metrics.counter("podium_mixer_ticks_total", "result", "mixed");
    this.ticksUnheard = metrics.counter("podium_mixer_ticks_total", "result", "unheard");
    this.opusEncoded = metrics.counter("podium_media_opus_encoded_total");
    this.framesDropped = metrics.counter("podium_mixer_frames_dropped_total");
    this.speakerMisses = metrics.counter("podium_mixer_speaker_misses_total");
    this.backlogSheds = metrics.counter("podium_mixer_backlog_sheds_total");
    this.opusEnabled = config.opus();
    this.demandConsumer =
        vertx
            .eventBus()
            .consumer(
                Addresses.mediaDemand(eventId),
                msg -> {
                  long now = System.nanoTime();
                  MediaDemand said;
                  try {
                    said = MediaDemand.fromJson(msg.body());
                  } catch (IllegalArgumentException unreadable) {
                    return;
                  }
                  demand.announced(said.nodeId(), said.mix(), said.opus(), now);
                  if (!announcedHeard && demand.mixWanted(now)) {
                    announceAudience(true, now);
                  }
                });
    // A new owner wants the speakers' audio at once, whatever a previous owner said.
    announceAudience(true, System.nanoTime());
  }

  private void announceAudience(boolean heard, long now) {
    if (heard != announcedHeard) {
      LOG.atInfo()
          .addKeyValue("event_id", eventId)
          .log(
              heard
                  ? "the room is heard: its gateways send the speakers' audio again"
                  : "nobody hears the room: its gateways keep the speakers' audio");
    }
    announcedHeard = heard;
    audienceNoticeAt = now;
    roomChannel.publishMedia(eventId, MediaPacket.audience(heard).encode());
  }

  /** A speaker's chunk for this event, from the relay's input address. */
  void onChunk(AudioChunkHeaders headers, Buffer chunk) {
    String userId = headers.userId();
    if (userId == null) {
      return;
    }
    if (!chunkSeen) {
      chunkSeen = true;
      LOG.atInfo()
          .addKeyValue("event_id", eventId)
          .log("first speaker audio {} ms after the relay took the event", sinceStart());
    }
    ingest(userId, headers, chunk);
    if (idle || mixer.nextDue() != pendingDue) {
      // The frame a tick waited for arrived, or the mixer was idle and moved its grid to this
      // audio.
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
      scheduleNext(true);
    }
  }

  private void ingest(String userId, AudioChunkHeaders headers, Buffer chunk) {
    byte[] data = chunk.getBytes();
    if (headers.codec() == AudioChunkHeaders.Codec.OPUS) {
      Opus.Decoder decoder =
          decoders.computeIfAbsent(
              userId, id -> new Opus.Decoder(sampleRate, mixer.frameSamples()));
      try {
        short[] pcm = decoder.decode(data);
        byte[] bytes = Pcm.toBuffer(pcm).getBytes();
        mixer.ingest(userId, bytes, 0, bytes.length);
      } catch (OpusException corrupt) {
        // A corrupt packet is one lost frame of that speaker, nothing more.
      }
      return;
    }
    mixer.ingest(userId, data, 0, data.length, headers.declaredRate());
  }

  private void scheduleNext(boolean fromChunk) {
    if (stopped) {
      return;
    }
    idle = false;
    long scheduled = ++generation;
    pendingDue = mixer.nextDue();
    runnableAt = Math.max(pendingDue, System.nanoTime());
    long delay = mixer.delayNanos();
    if (delay == 0 && fromChunk) {
      // The frame this tick waited for: mix it now, not after whatever else the loop has queued.
      timer = null;
      tick(scheduled);
    } else if (delay == 0) {
      // A catch-up tick: let other messages in between.
      timer = null;
      vertx.runOnContext(v -> tick(scheduled));
    } else {
      timer = vertx.timer(delay, TimeUnit.NANOSECONDS);
      timer.onSuccess(v -> tick(scheduled));
    }
  }

  private void countLosses() {
    long dropped = mixer.droppedFrames();
    if (dropped > droppedSeen) {
      framesDropped.increment(dropped - droppedSeen);
      droppedSeen = dropped;
    }
    long sheds = mixer.backlogSheds();
    if (sheds > shedsSeen) {
      backlogSheds.increment(sheds - shedsSeen);
      shedsSeen = sheds;
    }
    long misses = mixer.speakerMisses();
    if (misses > missesSeen) {
      speakerMisses.increment(misses - missesSeen);
      missesSeen = misses;
    }
  }

  private void tick(long scheduled) {
    if (stopped || scheduled != generation) {
      return;
    }
    timer = null;
    long now = System.nanoTime();
    EventMixer.Tick tick = mixer.tick();
    countLosses();
    tickLag.record(Math.max(0, now - runnableAt), java.util.concurrent.TimeUnit.NANOSECONDS);
    if (tick != null) {
      frameWait.record(tick.waitNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    boolean heard = demand.mixWanted(now);
    if (heard != announcedHeard
        || (!heard && tick != null && now - audienceNoticeAt >= AUDIENCE_REPEAT_NANOS)) {
      announceAudience(heard, now);
    }
    if (tick != null && heard) {
      publish(tick, now);
    } else if (tick != null) {
      ticksUnheard.increment();
      opus = null;
    }
    if (tick == null && mixer.idle()) {
      // Nothing to mix until audio arrives: no timer for a silent room (onChunk schedules again).
      idle = true;
      publishLevels(levels.quiet());
      return;
    }
    // Levels are for whoever hears the room: a room heard by nobody reports nobody talking.
    publishLevels(levels.record(tick == null || !heard ? null : tick.frames()));
    scheduleNext(false);
  }

  private void publish(EventMixer.Tick tick, long now) {
    Map<String, Buffer> minus = new LinkedHashMap<>();
    // Every active speaker is listed so that no gateway sends them the room mix (their own voice);
    // a lone speaker's mix-minus is silence, sent as nothing at all.
    boolean alone = tick.frames().size() == 1;
    tick.mix()
        .minus()
        .forEach((speaker, pcm) -> minus.put(speaker, alone ? Buffer.buffer() : Pcm.toBuffer(pcm)));
    Buffer encoded = null;
    if (opusEnabled && demand.opusWanted(now)) {
      if (opus == null) {
        opus = new Opus.Encoder(sampleRate, 32_000);
      }
      encoded = Buffer.buffer(opus.encode(tick.mix().room()));
      opusEncoded.increment();
    } else {
      opus = null;
    }
    MediaPacket packet =
        new MediaPacket(
            MediaPacket.KIND_AUDIO,
            tick.sequence(),
            tick.timestamp(),
            Pcm.toBuffer(tick.mix().room()),
            encoded,
            minus);
    int nodes = roomChannel.publishMedia(eventId, packet.encode());
    if (nodes != mixNodes && (mixNodes < 0 || System.nanoTime() - startedAt < EARLY_NANOS)) {
      LOG.atInfo()
          .addKeyValue("event_id", eventId)
          .log(
              "mix sent to {} gateway node(s), {} ms after the relay took the event",
              nodes,
              sinceStart());
    }
    mixNodes = nodes;
    ticksMixed.increment();
  }

  private void publishLevels(Map<String, Double> changed) {
    if (changed == null) {
      return;
    }
    List<ServerMessage.Level> levels = new ArrayList<>(changed.size());
    changed.forEach((user, level) -> levels.add(new ServerMessage.Level(user, level)));
    roomChannel.publish(eventId, ProtocolCodec.toJson(new ServerMessage.SpeakerLevels(levels)));
  }

  private long sinceStart() {
    return (System.nanoTime() - startedAt) / 1_000_000;
  }

  void stop() {
    stopped = true;
    demandConsumer.unregister();
    if (timer != null) {
      timer.cancel();
    }
  }
}
