package dev.podium.media;

import dev.podium.api.Addresses;
import dev.podium.api.media.MediaPacket;
import dev.podium.media.codec.Opus;
import dev.podium.media.mix.EventMixer;
import dev.podium.media.mix.OpusDemand;
import io.github.jaredmdobson.concentus.OpusException;
import dev.podium.media.mix.LevelMeter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event whose mixer runs on this relay: takes speakers' chunks from {@code mediaIn}, mixes on
 * the mixer's drift-free 20 ms grid, publishes each tick once to the gateways and the speakers'
 * levels to the room. A tick runs as soon as the mixer says it is due ({@link EventMixer#nextDue}):
 * audio that arrives can make it due sooner (the frame the tick waited for), so {@link #onChunk}
 * replaces the pending timer whenever the due time moves, and runs the tick there and then when it
 * is already due. The room mix is encoded in Opus only while some gateway node announces an Opus
 * listener in the event ({@link OpusDemand}, fed from {@code mediaDemand}).
 */
final class OwnedEvent {
  private final Vertx vertx;
  private final String eventId;
  private final EventMixer mixer;
  private final LevelMeter levels;
  private final boolean opusEnabled;
  /** Made afresh whenever encoding resumes, so a packet is never built on audio from long ago. */
  private Opus.Encoder opus;
  private final Map<String, Opus.Decoder> decoders = new java.util.HashMap<>();
  private final int sampleRate;
  private final io.micrometer.core.instrument.Timer tickLag;
  private final io.micrometer.core.instrument.Counter ticksMixed;
  private final io.micrometer.core.instrument.Counter opusEncoded;
  private final OpusDemand demand = new OpusDemand();
  private final MessageConsumer<JsonObject> demandConsumer;
  private long timer = -1;
  /** When the pending tick is due, as the mixer said when it was scheduled. */
  private long pendingDue;
  /** When the pending tick could first run: its due time, or when it was scheduled if that was later. */
  private long runnableAt;
  /** Bumped whenever the pending tick is replaced; a callback of an older one does nothing. */
  private long generation;
  private boolean stopped;

  OwnedEvent(Vertx vertx, String eventId, MediaConfig config) {
    this.vertx = vertx;
    this.eventId = eventId;
    this.mixer = new EventMixer(config.frameSamples(), config.jitter(), Duration.ofSeconds(5), System::nanoTime);
    this.levels = new LevelMeter((int) (config.levelsInterval().toMillis() / MediaConfig.FRAME_MILLIS));
    this.sampleRate = config.sampleRate();
    io.micrometer.core.instrument.MeterRegistry metrics = dev.podium.runtime.ops.Observability.registry(vertx);
    this.tickLag = io.micrometer.core.instrument.Timer.builder("podium_mixer_tick_lag")
        .description("How late a mix tick ran after it became due (its grid time, the arrival of the frame it waited for, or the end of its wait)").publishPercentileHistogram().register(metrics);
    this.ticksMixed = metrics.counter("podium_mixer_ticks_total", "result", "mixed");
    this.opusEncoded = metrics.counter("podium_media_opus_encoded_total");
    this.opusEnabled = config.opus();
    this.demandConsumer = vertx.eventBus().consumer(Addresses.mediaDemand(eventId), msg ->
        demand.wanted(msg.body().getString("node_id"), msg.body().getBoolean("opus", false), System.nanoTime()));
    scheduleNext(false);
  }

  /** A speaker's chunk for this event, from the relay's input address. */
  void onChunk(Message<Buffer> msg) {
    String userId = msg.headers().get("user-id");
    if (userId == null) {
      return;
    }
    ingest(userId, msg);
    if (mixer.nextDue() != pendingDue) {
      // The frame a tick waited for arrived, or the mixer was idle and moved its grid to this audio.
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      scheduleNext(true);
    }
  }

  private void ingest(String userId, Message<Buffer> msg) {
    byte[] data = msg.body().getBytes();
    if ("opus".equals(msg.headers().get("codec"))) {
      Opus.Decoder decoder = decoders.computeIfAbsent(userId, id -> new Opus.Decoder(sampleRate, mixer.frameSamples()));
      try {
        short[] pcm = decoder.decode(data);
        byte[] bytes = Pcm.toBuffer(pcm).getBytes();
        mixer.ingest(userId, bytes, 0, bytes.length);
      } catch (OpusException corrupt) {
        // A corrupt packet is one lost frame of that speaker, nothing more.
      }
      return;
    }
    mixer.ingest(userId, data, 0, data.length);
  }

  private void scheduleNext(boolean fromChunk) {
    if (stopped) {
      return;
    }
    long scheduled = ++generation;
    pendingDue = mixer.nextDue();
    runnableAt = Math.max(pendingDue, System.nanoTime());
    long delay = mixer.delayMillis();
    if (delay == 0 && fromChunk) {
      // The frame this tick waited for: mix it now, not after whatever else the loop has queued.
      timer = -1;
      tick(scheduled);
    } else if (delay == 0) {
      // A catch-up tick: let other messages in between.
      timer = -1;
      vertx.runOnContext(v -> tick(scheduled));
    } else {
      timer = vertx.setTimer(delay, id -> tick(scheduled));
    }
  }

  private void tick(long scheduled) {
    if (stopped || scheduled != generation) {
      return;
    }
    timer = -1;
    long now = System.nanoTime();
    EventMixer.Tick tick = mixer.tick();
    tickLag.record(Math.max(0, now - runnableAt), java.util.concurrent.TimeUnit.NANOSECONDS);
    if (tick != null) {
      Map<String, Buffer> minus = new LinkedHashMap<>();
      // Every active speaker is listed so that no gateway sends them the room mix (their own voice);
      // a lone speaker's mix-minus is silence, sent as nothing at all.
      boolean alone = tick.frames().size() == 1;
      tick.mix().minus().forEach((speaker, pcm) -> minus.put(speaker, alone ? Buffer.buffer() : Pcm.toBuffer(pcm)));
      Buffer encoded = null;
      if (opusEnabled && demand.anyWanted(now)) {
        if (opus == null) {
          opus = new Opus.Encoder(sampleRate, 32_000);
        }
        encoded = Buffer.buffer(opus.encode(tick.mix().room()));
        opusEncoded.increment();
      } else {
        opus = null;
      }
      MediaPacket packet = new MediaPacket(MediaPacket.KIND_AUDIO, tick.sequence(), tick.timestamp(),
          Pcm.toBuffer(tick.mix().room()), encoded, minus);
      vertx.eventBus().publish(Addresses.mediaOut(eventId), packet.encode());
      ticksMixed.increment();
    }
    Map<String, Double> changed = levels.record(tick == null ? null : tick.frames());
    if (changed != null) {
      JsonArray list = new JsonArray();
      changed.forEach((user, level) -> list.add(new JsonObject().put("user_id", user).put("level", level)));
      vertx.eventBus().publish(Addresses.roomEvents(eventId),
          new JsonObject().put("type", "speaker_levels").put("levels", list));
    }
    scheduleNext(false);
  }

  void stop() {
    stopped = true;
    demandConsumer.unregister();
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
