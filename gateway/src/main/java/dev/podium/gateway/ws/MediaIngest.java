package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.media.AudioChunkHeaders;
import dev.podium.api.media.MediaPacket;
import dev.podium.gateway.screen.ScreenStream;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomChannel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Where a permitted speaker's binary frame goes: audio to the media-relay that mixes the event,
 * screen chunks (host, screen mode) straight to the event's gateways. {@code podium.v1} publishers
 * say which is which in the header; for today's host page, which sends WebM and 4096-sample PCM on
 * one socket in screen mode, an 8,192-byte frame is PCM unless it can only be WebM (see {@link
 * ScreenStream#claims}), and every other frame is WebM. The host's screen chunks go through its
 * socket's {@link ScreenStream}, which finds the WebM initialisation segment however the browser
 * chunked it.
 */
final class MediaIngest {
  private static final Logger LOG = LoggerFactory.getLogger(MediaIngest.class);
  private static final int LEGACY_PCM_CHUNK_BYTES = 4096 * 2;

  /**
   * The most bytes of a recording read to find where its WebM header ends, and so held back from
   * the room meanwhile (with the chunk in hand). MediaRecorder's headers are a few hundred bytes; a
   * recording whose first Cluster is not within this gets no init segment.
   */
  static final int MAX_SCREEN_INIT_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final LocalRooms rooms;

  /** The media relays' ring, observed: whoever owns the event mixes it. */
  private final ServiceOwnership relays;

  private final io.micrometer.core.instrument.Counter framesAccepted;
  private final io.micrometer.core.instrument.Counter framesUnheard;
  private final io.micrometer.core.instrument.MeterRegistry metrics;

  private final RoomChannel roomChannel;

  MediaIngest(Vertx vertx, LocalRooms rooms, ServiceOwnership relays) {
    this.vertx = vertx;
    this.rooms = rooms;
    this.relays = relays;
    this.roomChannel = new RoomChannel(vertx);
    this.metrics = dev.podium.runtime.ops.Observability.registry(vertx);
    this.framesAccepted = metrics.counter("podium_media_frames_in_total", "result", "accepted");
    this.framesUnheard = metrics.counter("podium_media_frames_unheard_total");
  }

  Vertx vertx() {
    return vertx;
  }

  void ingest(Session session, Buffer frame) {
    framesAccepted.increment();
    if (session.framed()) {
      int kind = MediaFraming.kind(frame);
      if (kind < 0) {
        session.sendText(
            ClientMessages.error(
                dev.podium.api.ErrorCode.BAD_REQUEST,
                "A podium.v1 media message starts with a "
                    + MediaFraming.HEADER_BYTES
                    + "-byte header"));
        return;
      }
      Buffer payload = MediaFraming.payload(frame);
      switch (kind) {
        case MediaPacket.KIND_AUDIO -> audio(session, payload, AudioChunkHeaders.Codec.PCM);
        case MediaPacket.KIND_OPUS -> audio(session, payload, AudioChunkHeaders.Codec.OPUS);
        case MediaPacket.KIND_SCREEN, MediaPacket.KIND_SCREEN_INIT ->
            screen(session, payload, kind == MediaPacket.KIND_SCREEN_INIT);
        default ->
            session.sendText(
                ClientMessages.error(
                    dev.podium.api.ErrorCode.BAD_REQUEST, "Unknown podium.v1 media kind " + kind));
      }
      return;
    }
    if (session.isHost()
        && rooms.isScreenMode(session.eventId())
        && (frame.length() != LEGACY_PCM_CHUNK_BYTES || screenStream(session).claims(frame))) {
      screen(session, frame, false);
      return;
    }
    audio(session, frame, AudioChunkHeaders.Codec.PCM);
  }

  /**
   * The host asked to switch mode (on this socket, so before any chunk of the next recording): a
   * header still being read belongs to the recording that ends, and is dropped.
   */
  void modeSwitchRequested(Session session) {
    if (session.screenStream() != null) {
      session.screenStream().restart();
    }
  }

  private static ScreenStream screenStream(Session session) {
    ScreenStream stream = session.screenStream();
    if (stream == null) {
      stream = new ScreenStream(MAX_SCREEN_INIT_BYTES);
      session.screenStream(stream);
    }
    return stream;
  }

  /**
   * To the relay that mixes the event; with no relay alive the chunk is lost, as it would be on the
   * wire. While the relay says nobody hears the room, the chunk stays here: nobody would get it.
   */
  private void audio(Session session, Buffer chunk, AudioChunkHeaders.Codec codec) {
    if (rooms.isUnheard(session.eventId())) {
      framesUnheard.increment();
      return;
    }
    // The cached ring (a volatile read and a hash per relay): no cluster call per frame.
    String owner = relays.owner(session.eventId());
    if (owner == null) {
      return;
    }
    // Without a declared rate the relay estimates it from how fast the samples arrive.
    int declared = codec == AudioChunkHeaders.Codec.PCM ? session.declaredRate() : 0;
    io.vertx.core.eventbus.DeliveryOptions headers =
        new AudioChunkHeaders(session.eventId(), session.userId(), codec, declared)
            .toDeliveryOptions();
    if (session.audioRelayChanged(owner)) {
      // Once per speaker and relay: where a moved event's audio goes, and how long the first chunk
      // took to leave (finding the relay's node, connecting to it), is otherwise invisible.
      long started = System.nanoTime();
      vertx
          .eventBus()
          .<Buffer>sender(Addresses.mediaIn(owner), headers)
          .write(chunk)
          .onComplete(
              ar ->
                  LOG.atInfo()
                      .addKeyValue("event_id", session.eventId())
                      .addKeyValue("user_id", session.userId())
                      .addKeyValue("relay_id", owner)
                      .log(
                          "speaker audio goes to this relay: first chunk {} after {} ms",
                          ar.succeeded() ? "sent" : "not sent (" + ar.cause().getMessage() + ")",
                          (System.nanoTime() - started) / 1_000_000));
      return;
    }
    vertx.eventBus().send(Addresses.mediaIn(owner), chunk, headers);
  }

  /** A chunk of the host's screen stream; {@code declaredInit}: a {@code podium.v1} kind 4. */
  private void screen(Session session, Buffer chunk, boolean declaredInit) {
    if (!session.isHost() || !rooms.isScreenMode(session.eventId())) {
      return;
    }
    ScreenStream stream = screenStream(session);
    stream.accept(
        chunk,
        declaredInit,
        new ScreenStream.Sink() {
          @Override
          public void relay(Buffer bytes, boolean init) {
            publishScreen(session, bytes, init);
          }

          @Override
          public void headerRead(ScreenStream.Header outcome, String reason) {
            metrics.counter("podium_screen_headers_total", "result", outcome.label()).increment();
            if (outcome != ScreenStream.Header.FOUND) {
              // Once per socket at WARN: a host that keeps sending such streams does not flood the
              // log.
              LOG.atLevel(stream.headersLost() == 1 ? Level.WARN : Level.DEBUG)
                  .addKeyValue("event_id", session.eventId())
                  .addKeyValue("user_id", session.userId())
                  .log(
                      "no WebM initialisation segment in the host's screen stream ({}): {}",
                      outcome.label(),
                      reason);
            }
          }
        });
  }

  private void publishScreen(Session session, Buffer chunk, boolean init) {
    if (init) {
      rooms.rememberScreenInit(session.eventId(), chunk);
    }
    MediaPacket packet =
        new MediaPacket(
            init ? MediaPacket.KIND_SCREEN_INIT : MediaPacket.KIND_SCREEN,
            rooms.nextScreenSequence(),
            System.currentTimeMillis() & 0xffffffffL,
            chunk,
            null,
            Map.of());
    roomChannel.publishMedia(session.eventId(), packet.encode());
  }
}
