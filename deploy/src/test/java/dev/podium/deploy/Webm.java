package dev.podium.deploy;

import io.vertx.core.buffer.Buffer;

/**
 * A live WebM stream as MediaRecorder writes one, built byte by byte: the initialisation segment
 * (EBML header, a Segment of unknown size, Info, Tracks) and Clusters of unknown size.
 */
final class Webm {
  private static final byte[] UNKNOWN_SIZE = {0x01, -1, -1, -1, -1, -1, -1, -1};

  /** The initialisation segment: everything before the first Cluster. */
  static Buffer header() {
    Buffer ebml =
        element(
            0x1A45DFA3,
            concat(
                element(0x4286, 1),
                element(0x42F7, 1),
                element(0x42F2, 4),
                element(0x42F3, 8),
                element(0x4282, Buffer.buffer("webm")),
                element(0x4287, 4),
                element(0x4285, 2)));
    Buffer info =
        element(
            0x1549A966,
            concat(element(0x2AD7B1, 0x0F, 0x42, 0x40), element(0x4D80, Buffer.buffer("podium"))));
    Buffer track =
        element(
            0xAE,
            concat(
                element(0xD7, 1),
                element(0x73C5, 7),
                element(0x83, 1),
                element(0x86, Buffer.buffer("V_VP8")),
                element(0xE0, concat(element(0xB0, 0x01, 0x40), element(0xBA, 0xF0)))));
    return concat(
        ebml, id(0x18538067), Buffer.buffer(UNKNOWN_SIZE), info, element(0x1654AE6B, track));
  }

  /** A Cluster of unknown size: a timecode and one SimpleBlock of {@code frameBytes} bytes. */
  static Buffer cluster(int timecode, int frameBytes) {
    Buffer block =
        Buffer.buffer().appendByte((byte) 0x81).appendShort((short) 0).appendByte((byte) 0x80);
    for (int i = 0; i < frameBytes; i++) {
      block.appendByte((byte) (i * 31 + timecode));
    }
    return concat(
        id(0x1F43B675),
        Buffer.buffer(UNKNOWN_SIZE),
        element(0xE7, timecode >>> 8, timecode & 0xFF),
        element(0xA3, block));
  }

  private static Buffer element(int id, int... payload) {
    Buffer bytes = Buffer.buffer();
    for (int b : payload) {
      bytes.appendByte((byte) b);
    }
    return element(id, bytes);
  }

  /** An element with a 2-byte size (payloads here are under 16 KiB). */
  private static Buffer element(int id, Buffer payload) {
    return id(id)
        .appendByte((byte) (0x40 | (payload.length() >>> 8)))
        .appendByte((byte) payload.length())
        .appendBuffer(payload);
  }

  private static Buffer id(int id) {
    Buffer b = Buffer.buffer();
    for (int shift = 24; shift >= 0; shift -= 8) {
      if ((id >>> shift) != 0) {
        b.appendByte((byte) (id >>> shift));
      }
    }
    return b;
  }

  private static Buffer concat(Buffer... parts) {
    Buffer b = Buffer.buffer();
    for (Buffer p : parts) {
      b.appendBuffer(p);
    }
    return b;
  }

  private Webm() {}
}
