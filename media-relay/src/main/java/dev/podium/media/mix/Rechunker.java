package dev.podium.media.mix;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a speaker's PCM byte stream (signed 16-bit little-endian, mono), arriving in chunks of any
 * size, into frames of exactly {@code frameSamples} samples. A chunk may end in the middle of a
 * sample; the odd byte waits for the next chunk.
 */
public final class Rechunker {
  private final short[] pending;
  private int filled;
  private int oddByte = -1;

  public Rechunker(int frameSamples) {
    this.pending = new short[frameSamples];
  }

  /** Appends bytes; returns the frames completed by them (often none, sometimes several). */
  public List<short[]> push(byte[] bytes, int offset, int length) {
    List<short[]> frames = new ArrayList<>(1 + length / (2 * pending.length));
    int i = offset;
    int end = offset + length;
    if (oddByte >= 0 && i < end) {
      add((short) ((oddByte & 0xff) | (bytes[i++] << 8)), frames);
      oddByte = -1;
    }
    for (; i + 1 < end; i += 2) {
      add((short) ((bytes[i] & 0xff) | (bytes[i + 1] << 8)), frames);
    }
    if (i < end) {
      oddByte = bytes[i] & 0xff;
    }
    return frames;
  }

  /**
   * Whether part of a frame (or of a sample) is waiting for the next chunk: the next frame began in
   * the last chunk and completes in a later one.
   */
  public boolean partial() {
    return filled > 0 || oddByte >= 0;
  }

  private void add(short sample, List<short[]> frames) {
    pending[filled++] = sample;
    if (filled == pending.length) {
      frames.add(pending.clone());
      filled = 0;
    }
  }
}
