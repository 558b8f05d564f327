package dev.podium.bench;

import io.vertx.core.buffer.Buffer;
import java.util.function.IntConsumer;

/**
 * The benchmark's audio: 20 ms frames of 48 kHz mono signed 16-bit little-endian PCM whose first
 * four samples carry a sequence marker, the rest a quiet 440 Hz sine.
 *
 * <p>Marker, as samples (each an unsigned 16-bit value written little-endian): {@code [0] =
 * 0x7A7A}, {@code [1] = seq >>> 16}, {@code [2] = seq & 0xFFFF}, {@code [3] = 0x7A7A ^ [1] ^ [2] ^
 * 0xA5A5}. The sine peaks at {@link #SINE_AMPLITUDE}, far below 0x7A7A, so audio never looks like a
 * marker; a room mix of exactly one speaker (a sum of one) leaves the marker intact, and so does a
 * relay that forwards bytes unchanged.
 */
public final class PcmFrames {
  public static final int SAMPLE_RATE = 48_000;
  public static final int FRAME_MS = 20;
  public static final int FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS / 1000;
  public static final int FRAME_BYTES = FRAME_SAMPLES * 2;
  public static final int MAGIC = 0x7A7A;
  public static final int MARKER_BYTES = 8;
  public static final int SINE_AMPLITUDE = 1_000;
  private static final int CHECK = 0xA5A5;

  /** 440 Hz at 48 kHz repeats exactly every 1200 samples (11 cycles). */
  private static final int SINE_PERIOD = 1_200;

  private static final short[] SINE = new short[SINE_PERIOD];

  static {
    for (int i = 0; i < SINE_PERIOD; i++) {
      SINE[i] =
          (short) Math.round(SINE_AMPLITUDE * Math.sin(2 * Math.PI * 440.0 * i / SAMPLE_RATE));
    }
  }

  private PcmFrames() {}

  /**
   * One packet of {@code frames} consecutive 20 ms frames, starting at sequence number {@code
   * firstSeq}.
   */
  public static Buffer packet(int firstSeq, int frames) {
    Buffer buf = Buffer.buffer(frames * FRAME_BYTES);
    for (int f = 0; f < frames; f++) {
      appendFrame(buf, firstSeq + f);
    }
    return buf;
  }

  /** One 20 ms frame carrying {@code seq}. */
  public static Buffer frame(int seq) {
    return packet(seq, 1);
  }

  private static void appendFrame(Buffer buf, int seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative: " + seq);
    }
    int hi = seq >>> 16;
    int lo = seq & 0xFFFF;
    buf.appendUnsignedShortLE(MAGIC)
        .appendUnsignedShortLE(hi)
        .appendUnsignedShortLE(lo)
        .appendUnsignedShortLE(checksum(hi, lo));
    // The sine is continuous across frames: sample n of the stream is SINE[n mod 1200].
    long first = (long) seq * FRAME_SAMPLES;
    for (int i = 4; i < FRAME_SAMPLES; i++) {
      buf.appendShortLE(SINE[(int) ((first + i) % SINE_PERIOD)]);
    }
  }

  static int checksum(int hi, int lo) {
    return (MAGIC ^ hi ^ lo ^ CHECK) & 0xFFFF;
  }

  /** The sequence number of a marker starting at byte {@code offset}, or -1 when there is none. */
  public static int markerAt(Buffer buf, int offset) {
    if (offset < 0
        || offset + MARKER_BYTES > buf.length()
        || buf.getUnsignedShortLE(offset) != MAGIC) {
      return -1;
    }
    int hi = buf.getUnsignedShortLE(offset + 2);
    int lo = buf.getUnsignedShortLE(offset + 4);
    if (buf.getUnsignedShortLE(offset + 6) != checksum(hi, lo) || hi > 0x7FFF) {
      return -1;
    }
    return (hi << 16) | lo;
  }

  /**
   * Calls {@code onSeq} for every marker in a received message; returns how many were found.
   * Markers are looked for at frame boundaries first (a message of whole frames costs one check per
   * frame); where there is none, byte by byte, so that a header of any length before the PCM (a
   * framing such as {@code podium.v1}) or a message of several frames is still read.
   */
  public static int scan(Buffer buf, IntConsumer onSeq) {
    int found = 0;
    int pos = 0;
    int end = buf.length() - MARKER_BYTES;
    while (pos <= end) {
      int seq = markerAt(buf, pos);
      if (seq >= 0) {
        onSeq.accept(seq);
        found++;
        pos += FRAME_BYTES;
      } else {
        pos++;
      }
    }
    return found;
  }
}
