package dev.podium.recorder.ogg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Ogg Opus identification header (RFC 7845 §5.1). We only write mono, channel mapping family 0,
 * output gain 0; parsing reads what a resume needs (the pre-skip) and what tests check.
 *
 * @param preSkip 48 kHz samples a player drops from the start (the encoder's lookahead)
 * @param inputRate the original sample rate, informational only: Opus always decodes at 48 kHz
 */
public record OpusHead(int version, int channels, int preSkip, int inputRate) {
  private static final byte[] MAGIC = "OpusHead".getBytes(StandardCharsets.US_ASCII);
  private static final int LENGTH = 19;

  public static OpusHead mono(int preSkip, int inputRate) {
    return new OpusHead(1, 1, preSkip, inputRate);
  }

  public byte[] bytes() {
    return ByteBuffer.allocate(LENGTH)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(MAGIC)
        .put((byte) version)
        .put((byte) channels)
        .putShort((short) preSkip)
        .putInt(inputRate)
        .putShort((short) 0)
        .put((byte) 0)
        .array();
  }

  public static OpusHead parse(byte[] packet) throws IOException {
    if (packet.length < LENGTH || !Arrays.equals(packet, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("not an Ogg Opus stream: the first packet is not an OpusHead");
    }
    ByteBuffer in = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
    int version = in.get(8) & 0xff;
    // RFC 7845: the upper four bits are the major version; only 0 is understood.
    if ((version & 0xf0) != 0) {
      throw new IOException("unsupported OpusHead version " + version);
    }
    return new OpusHead(version, in.get(9) & 0xff, in.getShort(10) & 0xffff, in.getInt(12));
  }
}
