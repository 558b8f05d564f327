package dev.podium.recorder.ogg;

/**
 * The CRC-32 of Ogg pages (RFC 3533): polynomial 0x04c11db7, initial value 0, not reflected, no
 * final xor. It differs from java.util.zip.CRC32 (reflected, inverted), hence this table.
 */
public final class OggCrc {
  private static final int[] TABLE = table();

  private OggCrc() {}

  public static int of(byte[] data) {
    return update(0, data, 0, data.length);
  }

  public static int update(int crc, byte[] data, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xff];
    }
    return crc;
  }

  private static int[] table() {
    int[] table = new int[256];
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int bit = 0; bit < 8; bit++) {
        r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
      }
      table[i] = r;
    }
    return table;
  }
}
