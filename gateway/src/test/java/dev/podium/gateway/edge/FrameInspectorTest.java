package dev.podium.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameInspectorTest {
  private static final int TEXT = 1024;
  private static final int BINARY = 4096;

  /** A masked client frame. */
  static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      out.write(0x80 | 126);
      out.write(payload.length >> 8);
      out.write(payload.length);
    } else {
      out.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) payload.length >> (8 * i)));
      }
    }
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    out.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i & 3]);
    }
    return out.toByteArray();
  }

  private static FrameInspector.Violation feedByteByByte(FrameInspector inspector, byte[] bytes) {
    for (byte b : bytes) {
      FrameInspector.Violation v = inspector.feed(ByteBuffer.wrap(new byte[] {b}));
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  @Test
  void messagesUpToTheLimitsPassWhateverTheSegmentation() {
    byte[] text =
        "é"
            .repeat(TEXT / 2)
            .getBytes(StandardCharsets.UTF_8); // exactly TEXT bytes, 2-byte characters
    byte[] stream =
        concat(
            frame(true, 0, 1, text),
            frame(true, 0, 2, new byte[BINARY]),
            frame(true, 0, 9, new byte[3]),
            frame(false, 0, 1, "ab".getBytes()),
            frame(true, 0, 10, new byte[0]),
            frame(true, 0, 0, "c€".getBytes(StandardCharsets.UTF_8)),
            frame(true, 0, 8, new byte[] {0x03, (byte) 0xE8, 'o', 'k'}));
    assertNull(new FrameInspector(TEXT, BINARY).feed(ByteBuffer.wrap(stream)));
    assertNull(feedByteByByte(new FrameInspector(TEXT, BINARY), stream));
  }

  @Test
  void reservedBitsAreAProtocolErrorAtOnce() {
    for (int rsv : new int[] {1, 2, 4}) {
      byte[] bomb = frame(true, rsv, 1, new byte[100]);
      // Found from the header alone, before the payload arrives.
      FrameInspector.Violation v =
          new FrameInspector(TEXT, BINARY).feed(ByteBuffer.wrap(bomb, 0, 2));
      assertNotNull(v);
      assertEquals(1002, v.closeCode());
    }
  }

  @Test
  void oversizeMessagesAreRefusedFromTheHeaderPerType() {
    assertEquals(
        1009,
        new FrameInspector(TEXT, BINARY)
            .feed(ByteBuffer.wrap(frame(true, 0, 1, new byte[TEXT + 1]), 0, 8))
            .closeCode());
    assertNull(
        new FrameInspector(TEXT, BINARY)
            .feed(ByteBuffer.wrap(frame(true, 0, 2, new byte[TEXT + 1]))));
    assertEquals(
        1009,
        new FrameInspector(TEXT, BINARY)
            .feed(ByteBuffer.wrap(frame(true, 0, 2, new byte[BINARY + 1]), 0, 8))
            .closeCode());
    // A 64-bit length far beyond any limit.
    byte[] huge = {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4};
    assertEquals(1009, new FrameInspector(TEXT, BINARY).feed(ByteBuffer.wrap(huge)).closeCode());
  }

  @Test
  void fragmentsCountTowardsTheMessage() {
    FrameInspector inspector = new FrameInspector(TEXT, BINARY);
    byte[] part = new byte[TEXT / 2];
    assertNull(
        inspector.feed(
            ByteBuffer.wrap(concat(frame(false, 0, 1, part), frame(false, 0, 0, part)))));
    FrameInspector.Violation v = inspector.feed(ByteBuffer.wrap(frame(true, 0, 0, new byte[1])));
    assertEquals(1009, v.closeCode());
    assertEquals(0, v.frameOffset());
  }

  @Test
  void invalidUtf8IsRefusedEvenAcrossFragments() {
    byte[][] bad = {
      {(byte) 0xC0, (byte) 0x80}, // overlong NUL
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xFF},
      {'a', (byte) 0xE2, (byte) 0x82}, // cut off at the end of the message
    };
    for (byte[] payload : bad) {
      assertEquals(
          1007,
          new FrameInspector(TEXT, BINARY)
              .feed(ByteBuffer.wrap(frame(true, 0, 1, payload)))
              .closeCode());
    }
    // A character split over two fragments is fine; a message ending inside one is not.
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    assertNull(
        new FrameInspector(TEXT, BINARY)
            .feed(
                ByteBuffer.wrap(
                    concat(
                        frame(false, 0, 1, new byte[] {euro[0]}),
                        frame(true, 0, 0, new byte[] {euro[1], euro[2]})))));
    assertEquals(
        1007,
        new FrameInspector(TEXT, BINARY)
            .feed(
                ByteBuffer.wrap(
                    concat(
                        frame(false, 0, 1, new byte[] {euro[0]}),
                        frame(true, 0, 0, new byte[] {euro[1]}))))
            .closeCode());
    // Binary messages are not text.
    assertNull(
        new FrameInspector(TEXT, BINARY)
            .feed(ByteBuffer.wrap(frame(true, 0, 2, new byte[] {(byte) 0xFF}))));
  }

  @Test
  void malformedFramingIsAProtocolError() {
    byte[] unmasked = {(byte) 0x81, 0x01, 'a'};
    byte[][] bad = {
      unmasked,
      frame(true, 0, 3, new byte[0]), // reserved opcode
      frame(false, 0, 9, new byte[0]), // fragmented ping
      frame(true, 0, 9, new byte[126]), // control frame too long
      frame(true, 0, 0, new byte[1]), // continuation with nothing to continue
      concat(
          frame(false, 0, 1, new byte[1]),
          frame(true, 0, 2, new byte[1])), // new message inside one
      frame(true, 0, 8, new byte[] {0x03}), // one-byte close body
      frame(true, 0, 8, new byte[] {0x03, (byte) 0xED}), // close code 1005 may not be sent
    };
    for (byte[] stream : bad) {
      assertEquals(
          1002, new FrameInspector(TEXT, BINARY).feed(ByteBuffer.wrap(stream)).closeCode());
    }
    assertEquals(
        1007,
        new FrameInspector(TEXT, BINARY)
            .feed(ByteBuffer.wrap(frame(true, 0, 8, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF})))
            .closeCode());
  }

  @Test
  void theViolationSaysWhereTheOffendingFrameStarts() {
    byte[] good = frame(true, 0, 1, "{}".getBytes());
    byte[] stream = concat(good, good, frame(true, 2, 1, new byte[4]));
    FrameInspector inspector = new FrameInspector(TEXT, BINARY);
    FrameInspector.Violation v = inspector.feed(ByteBuffer.wrap(stream));
    assertEquals(2 * good.length, v.frameOffset());
    // Once violated, always violated.
    assertEquals(v, inspector.feed(ByteBuffer.wrap(good)));
  }
}
