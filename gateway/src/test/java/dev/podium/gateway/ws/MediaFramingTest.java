package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class MediaFramingTest {

  @Test
  void headerLayout() {
    Buffer payload = Buffer.buffer(new byte[] {9, 8, 7, 6, 5});
    Buffer framed = MediaFraming.frame(3, 0x01020304L, 0x0A0B0C0DL, payload);
    assertEquals(MediaFraming.HEADER_BYTES + 5, framed.length());
    assertEquals(10, MediaFraming.HEADER_BYTES);
    byte[] b = framed.getBytes();
    assertEquals(3, b[0], "kind");
    assertEquals(0, b[1], "flags");
    assertEquals(0x01, b[2], "sequence, big-endian");
    assertEquals(0x02, b[3]);
    assertEquals(0x03, b[4]);
    assertEquals(0x04, b[5]);
    assertEquals(0x0A, b[6], "timestamp, big-endian");
    assertEquals(0x0B, b[7]);
    assertEquals(0x0C, b[8]);
    assertEquals(0x0D, b[9]);
    for (int i = 0; i < 5; i++) {
      assertEquals(9 - i, b[10 + i], "payload after 10 bytes");
    }
  }

  @Test
  void unsigned32BitSequenceAndTimestamp() {
    Buffer framed = MediaFraming.frame(1, 0xFFFF_FFFEL, 0x8000_0000L, Buffer.buffer());
    assertEquals(10, framed.length());
    assertEquals(0xFFFF_FFFEL, framed.getUnsignedInt(2));
    assertEquals(0x8000_0000L, framed.getUnsignedInt(6));
    assertEquals((byte) 0xFF, framed.getByte(2));
    assertEquals((byte) 0xFE, framed.getByte(5));
  }

  @Test
  void kindAndPayloadRoundTrip() {
    for (int kind = 1; kind <= 4; kind++) {
      Buffer payload = Buffer.buffer("chunk-" + kind);
      Buffer framed = MediaFraming.frame(kind, kind * 100L, kind * 960L, payload);
      assertEquals(kind, MediaFraming.kind(framed));
      assertEquals(payload, MediaFraming.payload(framed));
    }
  }

  @Test
  void kindOfAShortBufferIsMinusOne() {
    assertEquals(-1, MediaFraming.kind(Buffer.buffer()));
    assertEquals(-1, MediaFraming.kind(Buffer.buffer(new byte[] {1})));
    assertEquals(-1, MediaFraming.kind(Buffer.buffer(new byte[9])));
    assertEquals(
        4,
        MediaFraming.kind(Buffer.buffer(new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 0, 0})),
        "exactly a header, no payload");
    assertEquals(0, MediaFraming.payload(MediaFraming.frame(2, 0, 0, Buffer.buffer())).length());
  }

  @Test
  void subprotocolName() {
    assertEquals("podium.v1", MediaFraming.SUBPROTOCOL);
  }
}
