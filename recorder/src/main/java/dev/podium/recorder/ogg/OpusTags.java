package dev.podium.recorder.ogg;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Ogg Opus comment header (RFC 7845 §5.2): a vendor string and "KEY=value" comments, all UTF-8
 * with u32 little-endian lengths.
 */
public record OpusTags(String vendor, List<String> comments) {
  private static final byte[] MAGIC = "OpusTags".getBytes(StandardCharsets.US_ASCII);

  public OpusTags {
    comments = List.copyOf(comments);
  }

  public byte[] bytes() {
    byte[] vendorBytes = vendor.getBytes(StandardCharsets.UTF_8);
    List<byte[]> encoded = new ArrayList<>();
    int length = MAGIC.length + 4 + vendorBytes.length + 4;
    for (String comment : comments) {
      byte[] bytes = comment.getBytes(StandardCharsets.UTF_8);
      encoded.add(bytes);
      length += 4 + bytes.length;
    }
    ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(vendorBytes.length).put(vendorBytes).putInt(encoded.size());
    for (byte[] bytes : encoded) {
      out.putInt(bytes.length).put(bytes);
    }
    return out.array();
  }

  public static OpusTags parse(byte[] packet) throws IOException {
    if (packet.length < MAGIC.length
        || !Arrays.equals(packet, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("not an Ogg Opus stream: the second packet is not OpusTags");
    }
    ByteBuffer in = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
    in.position(MAGIC.length);
    try {
      String vendor = string(in);
      int count = in.getInt();
      if (count < 0 || count > in.remaining() / 4) {
        throw new IOException("OpusTags claims " + Integer.toUnsignedString(count) + " comments");
      }
      List<String> comments = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        comments.add(string(in));
      }
      return new OpusTags(vendor, comments);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IOException("OpusTags is truncated", e);
    }
  }

  private static String string(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new BufferUnderflowException(); // checked before allocating: a torn length may be huge
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
