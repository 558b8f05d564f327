package dev.podium.media.mix;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a speaker's stream of samples, arriving in runs of any length, into frames of exactly {@code
 * frameSamples} samples.
 */
public final class Rechunker {
  private final short[] pending;
  private int filled;

  public Rechunker(int frameSamples) {
    this.pending = new short[frameSamples];
  }

  /** Appends samples; returns the frames completed by them (often none, sometimes several). */
  public List<short[]> push(short[] samples, int offset, int count) {
    List<short[]> frames = new ArrayList<>(1 + count / pending.length);
    int i = offset;
    int end = offset + count;
    while (i < end) {
      int n = Math.min(end - i, pending.length - filled);
      System.arraycopy(samples, i, pending, filled, n);
      filled += n;
      i += n;
      if (filled == pending.length) {
        frames.add(pending.clone());
        filled = 0;
      }
    }
    return frames;
  }

  /**
   * Whether part of a frame is waiting for more samples: the next frame began and is not complete.
   */
  public boolean partial() {
    return filled > 0;
  }
}
