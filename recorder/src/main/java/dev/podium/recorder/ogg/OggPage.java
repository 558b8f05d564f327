package dev.podium.recorder.ogg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds one Ogg page (RFC 3533) holding whole packets. Our writer never splits a packet across
 * pages: Opus packets are far smaller than a page can hold, and whole packets keep a torn file
 * repairable by cutting at a page boundary.
 */
public final class OggPage {
  public static final int CONTINUED = 0x01;
  public static final int BOS = 0x02;
  public static final int EOS = 0x04;
  public static final int MAX_SEGMENTS = 255;
  static final int HEADER_SIZE = 27;
  static final int CRC_OFFSET = 22;
  static final int SEGMENT_COUNT_OFFSET = 26;
  static final byte[] CAPTURE = "OggS".getBytes(StandardCharsets.US_ASCII);

  private OggPage() {}

  /** Lacing values a packet takes: one 255 per full 255 bytes, then the remainder (maybe 0). */
  public static int segmentsOf(int packetLength) {
    return packetLength / 255 + 1;
  }

  public static byte[] build(
      int flags, long granule, int serial, int sequence, List<byte[]> packets) {
    int segments = 0;
    int bodyLength = 0;
    for (byte[] packet : packets) {
      segments += segmentsOf(packet.length);
      bodyLength += packet.length;
    }
    if (segments > MAX_SEGMENTS) {
      throw new IllegalArgumentException(
          "packets need " + segments + " lacing values, a page holds " + MAX_SEGMENTS);
    }
    ByteBuffer lacing = ByteBuffer.allocate(segments);
    ByteBuffer body = ByteBuffer.allocate(bodyLength);
    for (byte[] packet : packets) {
      for (int i = 0; i < packet.length / 255; i++) {
        lacing.put((byte) 255);
      }
      lacing.put((byte) (packet.length % 255));
      body.put(packet);
    }
    return raw(flags, granule, serial, sequence, lacing.array(), body.array());
  }

  /** A page from its lacing values and body as they are: lets tests build continued packets. */
  static byte[] raw(int flags, long granule, int serial, int sequence, byte[] lacing, byte[] body) {
    ByteBuffer page =
        ByteBuffer.allocate(HEADER_SIZE + lacing.length + body.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put(CAPTURE)
            .put((byte) 0)
            .put((byte) flags)
            .putLong(granule)
            .putInt(serial)
            .putInt(sequence)
            .putInt(0)
            .put((byte) lacing.length)
            .put(lacing)
            .put(body);
    byte[] bytes = page.array();
    stampCrc(bytes);
    return bytes;
  }

  /** Computes the CRC over the page with its CRC field zeroed, then stores it there. */
  static void stampCrc(byte[] page) {
    ByteBuffer view = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    view.putInt(CRC_OFFSET, 0);
    view.putInt(CRC_OFFSET, OggCrc.of(page));
  }
}
