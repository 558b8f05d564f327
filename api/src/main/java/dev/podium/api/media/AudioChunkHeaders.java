package dev.podium.api.media;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * The headers of a speaker's audio chunk, sent by the speaker's gateway to the media relay that
 * mixes the event ({@code Addresses.mediaIn}): which event, which speaker, how the body (the chunk
 * as the client sent it) is encoded, and for PCM the sample rate its sender declared (0 when it
 * declared none: the relay then estimates it). The one place their names and values are spelled;
 * the gateway writes them with {@link #toDeliveryOptions()}, the relay reads them with {@link
 * #from}.
 */
public record AudioChunkHeaders(String eventId, String userId, Codec codec, int declaredRate) {
  public static final String EVENT_ID = "event-id";
  public static final String USER_ID = "user-id";
  public static final String CODEC = "codec";

  /** The declared rate in Hz, on PCM chunks whose sender declared one ({@link InputRates}). */
  public static final String SAMPLE_RATE = InputRates.HEADER;

  /** Headers of a chunk whose sender declared no rate (and of every Opus chunk). */
  public AudioChunkHeaders(String eventId, String userId, Codec codec) {
    this(eventId, userId, codec, 0);
  }

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
    DeliveryOptions options =
        new DeliveryOptions()
            .addHeader(EVENT_ID, eventId)
            .addHeader(USER_ID, userId)
            .addHeader(CODEC, codec.value);
    if (declaredRate > 0 && codec == Codec.PCM) {
      options.addHeader(SAMPLE_RATE, Integer.toString(declaredRate));
    }
    return options;
  }

  /**
   * Reads a chunk's headers; an absent event or user id is null, which the relay drops. A declared
   * rate that is absent, unreadable or not one of {@link InputRates#COMMON} reads as 0 (estimate).
   */
  public static AudioChunkHeaders from(MultiMap headers) {
    Codec codec = Codec.of(headers.get(CODEC));
    return new AudioChunkHeaders(
        headers.get(EVENT_ID), headers.get(USER_ID), codec, rate(codec, headers.get(SAMPLE_RATE)));
  }

  private static int rate(Codec codec, String value) {
    if (codec != Codec.PCM || value == null) {
      return 0;
    }
    try {
      int rate = Integer.parseInt(value);
      return InputRates.isCommon(rate) ? rate : 0;
    } catch (NumberFormatException unreadable) {
      return 0;
    }
  }
}
