package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.media.MediaPacket;
import dev.podium.runtime.ownership.ServiceOwnership;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Map;

/**
 * Where a permitted speaker's binary frame goes: audio to the media-relay that mixes the event,
 * screen chunks (host, screen mode) straight to the event's gateways. {@code podium.v1} publishers
 * say which is which in the header; for today's host page, which sends WebM and 4096-sample PCM
 * on one socket in screen mode, the WebM chunks are told apart by their EBML and Cluster element
 * ids and by size.
 */
final class MediaIngest {
  private static final int LEGACY_PCM_CHUNK_BYTES = 4096 * 2;
  private static final int EBML_MAGIC = 0x1A45DFA3;
  private static final int WEBM_CLUSTER = 0x1F43B675;

  private final Vertx vertx;
  private final LocalRooms rooms;
  /** The media relays' ring, observed: whoever owns the event mixes it. */
  private final ServiceOwnership relays;
  private final io.micrometer.core.instrument.Counter framesAccepted;
  private final io.micrometer.core.instrument.Counter framesUnheard;

  MediaIngest(Vertx vertx, LocalRooms rooms, ServiceOwnership relays) {
    this.vertx = vertx;
    this.rooms = rooms;
    this.relays = relays;
    this.framesAccepted = dev.podium.runtime.ops.Observability.registry(vertx)
        .counter("podium_media_frames_in_total", "result", "accepted");
    this.framesUnheard = dev.podium.runtime.ops.Observability.registry(vertx)
        .counter("podium_media_frames_unheard_total");
  }

  Vertx vertx() {
    return vertx;
  }

  void ingest(Session session, Buffer frame) {
    framesAccepted.increment();
    if (session.framed()) {
      int kind = MediaFraming.kind(frame);
      if (kind < 0) {
        session.sendText(ClientMessages.error(dev.podium.api.ErrorCode.BAD_REQUEST,
            "A podium.v1 media message starts with a " + MediaFraming.HEADER_BYTES + "-byte header"));
        return;
      }
      Buffer payload = MediaFraming.payload(frame);
      switch (kind) {
        case MediaPacket.KIND_AUDIO -> audio(session, payload, "pcm");
        case MediaPacket.KIND_OPUS -> audio(session, payload, "opus");
        case MediaPacket.KIND_SCREEN, MediaPacket.KIND_SCREEN_INIT -> screen(session, payload, kind == MediaPacket.KIND_SCREEN_INIT);
        default -> session.sendText(ClientMessages.error(dev.podium.api.ErrorCode.BAD_REQUEST,
            "Unknown podium.v1 media kind " + kind));
      }
      return;
    }
    if (session.isHost() && rooms.isScreenMode(session.eventId())) {
      int head = frame.length() >= 4 ? frame.getInt(0) : 0;
      if (head == EBML_MAGIC) {
        screen(session, frame, true);
        return;
      }
      if (head == WEBM_CLUSTER || frame.length() != LEGACY_PCM_CHUNK_BYTES) {
        screen(session, frame, false);
        return;
      }
    }
    audio(session, frame, "pcm");
  }

  /**
   * To the relay that mixes the event; with no relay alive the chunk is lost, as it would be on the
   * wire. While the relay says nobody hears the room, the chunk stays here: nobody would get it.
   */
  private void audio(Session session, Buffer chunk, String codec) {
    if (rooms.isUnheard(session.eventId())) {
      framesUnheard.increment();
      return;
    }
    // The cached ring (a volatile read and a hash per relay): no cluster call per frame.
    String owner = relays.owner(session.eventId());
    if (owner == null) {
      return;
    }
    vertx.eventBus().send(Addresses.mediaIn(owner), chunk, new DeliveryOptions()
        .addHeader("event-id", session.eventId())
        .addHeader("user-id", session.userId())
        .addHeader("codec", codec));
  }

  private void screen(Session session, Buffer chunk, boolean init) {
    if (!session.isHost() || !rooms.isScreenMode(session.eventId())) {
      return;
    }
    if (init) {
      rooms.rememberScreenInit(session.eventId(), chunk);
    }
    MediaPacket packet = new MediaPacket(init ? MediaPacket.KIND_SCREEN_INIT : MediaPacket.KIND_SCREEN,
        rooms.nextScreenSequence(), System.currentTimeMillis() & 0xffffffffL, chunk, null, Map.of());
    vertx.eventBus().publish(Addresses.mediaOut(session.eventId()), packet.encode());
  }
}
