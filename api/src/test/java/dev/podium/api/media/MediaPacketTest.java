package dev.podium.api.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaPacketTest {

  private static Buffer bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return Buffer.buffer(b);
  }

  @Test
  void roundTripAudioWithoutOpus() {
    Buffer room = bytes(1920, 1);
    MediaPacket p = new MediaPacket(MediaPacket.KIND_AUDIO, 42, 960L * 42, room, null, Map.of());
    MediaPacket d = MediaPacket.decode(p.encode());
    assertEquals(MediaPacket.KIND_AUDIO, d.kind());
    assertEquals(42, d.sequence());
    assertEquals(960L * 42, d.timestamp());
    assertEquals(room, d.payload());
    assertNull(d.opus());
    assertEquals(Map.of(), d.mixMinus());
  }

  @Test
  void roundTripWithOpusAndSeveralMixMinus() {
    Buffer room = bytes(1920, 2);
    Buffer opus = bytes(87, 3);
    Map<String, Buffer> minus = new LinkedHashMap<>();
    minus.put("alice", bytes(1920, 4));
    minus.put("Zoë-Łukasz", bytes(1920, 5));
    minus.put("話者-🎤", bytes(1920, 6));
    minus.put("", bytes(10, 7));
    MediaPacket p = new MediaPacket(MediaPacket.KIND_AUDIO, 7, 6720, room, opus, minus);
    MediaPacket d = MediaPacket.decode(p.encode());
    assertEquals(room, d.payload());
    assertNotNull(d.opus());
    assertEquals(opus, d.opus());
    assertEquals(
        List.copyOf(minus.keySet()), List.copyOf(d.mixMinus().keySet()), "ids and their order");
    minus.forEach((id, pcm) -> assertEquals(pcm, d.mixMinus().get(id), id));
  }

  @Test
  void emptyMixMinusIsPreservedAsEmpty() {
    Map<String, Buffer> minus = new LinkedHashMap<>();
    minus.put("lonely", Buffer.buffer());
    minus.put("other", bytes(4, 9));
    MediaPacket d =
        MediaPacket.decode(
            new MediaPacket(MediaPacket.KIND_AUDIO, 1, 960, bytes(1920, 8), null, minus).encode());
    assertNotNull(d.mixMinus().get("lonely"), "present, not missing");
    assertEquals(0, d.mixMinus().get("lonely").length());
    assertEquals(bytes(4, 9), d.mixMinus().get("other"));
  }

  @Test
  void screenKindsAndEmptyPayload() {
    for (int kind :
        new int[] {MediaPacket.KIND_OPUS, MediaPacket.KIND_SCREEN, MediaPacket.KIND_SCREEN_INIT}) {
      Buffer chunk = bytes(5000, kind);
      MediaPacket d =
          MediaPacket.decode(new MediaPacket(kind, 3, 1234, chunk, null, Map.of()).encode());
      assertEquals(kind, d.kind());
      assertEquals(chunk, d.payload());
    }
    MediaPacket d =
        MediaPacket.decode(
            new MediaPacket(MediaPacket.KIND_SCREEN, 0, 0, Buffer.buffer(), null, Map.of())
                .encode());
    assertEquals(0, d.payload().length());
  }

  @Test
  void sequenceAndTimestampUseAllUnsigned32Bits() {
    long max = 0xFFFF_FFFFL;
    MediaPacket d =
        MediaPacket.decode(
            new MediaPacket(MediaPacket.KIND_AUDIO, max, max - 1, bytes(2, 0), null, Map.of())
                .encode());
    assertEquals(max, d.sequence());
    assertEquals(max - 1, d.timestamp());
  }

  @Test
  void decodedPayloadsAreSlicesOfTheInput() {
    Map<String, Buffer> minus = new LinkedHashMap<>();
    minus.put("a", bytes(8, 1));
    Buffer encoded =
        new MediaPacket(MediaPacket.KIND_AUDIO, 1, 960, bytes(8, 2), bytes(4, 3), minus).encode();
    MediaPacket d = MediaPacket.decode(encoded);
    assertEquals(bytes(8, 2), d.payload());
    assertEquals(bytes(4, 3), d.opus());
    assertEquals(bytes(8, 1), d.mixMinus().get("a"));
    // header is 1 + 4 + 4 + 4 bytes: the room payload starts at 13 and shares the input's memory
    assertEquals(bytes(8, 2), encoded.slice(13, 21));
    encoded.setByte(13, (byte) 0x7f);
    assertEquals((byte) 0x7f, d.payload().getByte(0), "a slice sees writes to the input");
    int minusStart = encoded.length() - 8;
    encoded.setByte(minusStart, (byte) 0x55);
    assertEquals((byte) 0x55, d.mixMinus().get("a").getByte(0), "mix-minus is a slice too");
  }

  @Test
  void encodingDoesNotConsumeTheSourceBuffers() {
    Buffer room = bytes(16, 4);
    MediaPacket p =
        new MediaPacket(MediaPacket.KIND_AUDIO, 1, 960, room, null, Map.of("x", bytes(16, 5)));
    Buffer first = p.encode();
    Buffer second = p.encode();
    assertEquals(first, second, "encode is repeatable");
    assertEquals(bytes(16, 4), room);
  }
}
