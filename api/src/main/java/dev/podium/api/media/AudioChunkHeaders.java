package dev.podium.api.media;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * The headers of a speaker's audio chunk, sent by the speaker's gateway to the media relay that
 * mixes the event ({@code Addresses.mediaIn}): which event, which speaker, and how the body (the
 * chunk as the client sent it) is encoded. The one place their names and values are spelled; the
 * gateway writes them with {@link #toDeliveryOptions()}, the relay reads them with {@link #from}.
 */
public record AudioChunkHeaders(String eventId, String userId, Codec codec) {
  public static final String EVENT_ID = "event-id";
  public static final String USER_ID = "user-id";
  public static final String CODEC = "codec";

  /** How the chunk is encoded. */
  public enum Codec {
    /** PCM s16le mono, as the client sent it. */
    PCM("pcm"),
    /** One Opus packet. */
    OPUS("opus");

    private final String value;

    Codec(String value) {
      this.value = value;
    }

    /** The header's value. */
    public String value() {
      return value;
    }

    /**
     * A header value: {@code opus}, or else PCM (relays have always read anything else, or none, as
     * PCM).
     */
    public static Codec of(String value) {
      return OPUS.value.equals(value) ? OPUS : PCM;
    }
  }

  public DeliveryOptions toDeliveryOptions() {
    return new DeliveryOptions()
        .addHeader(EVENT_ID, eventId)
        .addHeader(USER_ID, userId)
        .addHeader(CODEC, codec.value);
  }

  /** Reads a chunk's headers; an absent event or user id is null, which the relay drops. */
  public static AudioChunkHeaders from(MultiMap headers) {
    return new AudioChunkHeaders(
        headers.get(EVENT_ID), headers.get(USER_ID), Codec.of(headers.get(CODEC)));
  }
}
