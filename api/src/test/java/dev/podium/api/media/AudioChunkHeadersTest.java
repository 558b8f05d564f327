package dev.podium.api.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/**
 * A speaker chunk's headers read back as the gateway wrote them, in the names relays have always
 * read.
 */
class AudioChunkHeadersTest {

  @Test
  void headersReadBackAsWritten() {
    for (AudioChunkHeaders.Codec codec : AudioChunkHeaders.Codec.values()) {
      AudioChunkHeaders headers = new AudioChunkHeaders("ev-1", "alice", codec);
      assertEquals(headers, AudioChunkHeaders.from(headers.toDeliveryOptions().getHeaders()));
    }
  }

  @Test
  void theWireNamesAndValuesAreTheOnesGatewaysAndRelaysAlreadyUse() {
    MultiMap written =
        new AudioChunkHeaders("ev-1", "alice", AudioChunkHeaders.Codec.OPUS)
            .toDeliveryOptions()
            .getHeaders();
    assertEquals("ev-1", written.get("event-id"));
    assertEquals("alice", written.get("user-id"));
    assertEquals("opus", written.get("codec"));
    assertEquals(
        "pcm",
        new AudioChunkHeaders("e", "u", AudioChunkHeaders.Codec.PCM)
            .toDeliveryOptions()
            .getHeaders()
            .get("codec"));
  }

  @Test
  void aChunkWithoutACodecOrAnUnknownOneIsPcmAndMissingIdsAreNull() {
    assertEquals(
        new AudioChunkHeaders(null, null, AudioChunkHeaders.Codec.PCM),
        AudioChunkHeaders.from(MultiMap.caseInsensitiveMultiMap()));
    assertEquals(
        AudioChunkHeaders.Codec.PCM,
        AudioChunkHeaders.from(MultiMap.caseInsensitiveMultiMap().add("codec", "flac")).codec());
  }

  @Test
  void aDeclaredRateTravelsOnPcmOnly() {
    AudioChunkHeaders pcm = new AudioChunkHeaders("e", "u", AudioChunkHeaders.Codec.PCM, 44_100);
    MultiMap written = pcm.toDeliveryOptions().getHeaders();
    assertEquals("44100", written.get("sample-rate"));
    assertEquals(pcm, AudioChunkHeaders.from(written));
    assertEquals(
        null,
        new AudioChunkHeaders("e", "u", AudioChunkHeaders.Codec.OPUS, 44_100)
            .toDeliveryOptions()
            .getHeaders()
            .get("sample-rate"),
        "an Opus packet carries its own rate");
  }

  /** A relay must not trust a rate header it cannot use: it estimates instead. */
  @Test
  void anUnreadableOrUnlistedRateReadsAsUndeclared() {
    for (String bad : new String[] {"fast", "12345", "-48000", "99999999999", ""}) {
      MultiMap headers =
          MultiMap.caseInsensitiveMultiMap().add("codec", "pcm").add("sample-rate", bad);
      assertEquals(0, AudioChunkHeaders.from(headers).declaredRate(), bad);
    }
  }
}
