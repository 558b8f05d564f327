package dev.podium.media.mix;

/**
 * Reads a speaker's PCM byte stream (signed 16-bit little-endian, mono), arriving in chunks of any
 * size, as samples. A chunk may end in the middle of a sample; the odd byte waits for the next
 * chunk.
 */
public final class PcmDecoder {
  private int oddByte = -1;

  /** The samples these bytes complete (with an odd byte kept from the last chunk). */
  public short[] decode(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    int available = length + (oddByte >= 0 ? 1 : 0);
    short[] out = new short[available / 2];
    int n = 0;
    if (oddByte >= 0 && i < end) {
      out[n++] = (short) ((oddByte & 0xff) | (bytes[i++] << 8));
      oddByte = -1;
    }
    for (; i + 1 < end; i += 2) {
      out[n++] = (short) ((bytes[i] & 0xff) | (bytes[i + 1] << 8));
    }
    if (i < end) {
      oddByte = bytes[i] & 0xff;
    }
    return out;
  }

  /** Whether half a sample waits for the next chunk. */
  public boolean pending() {
    return oddByte >= 0;
  }
}
