package dev.podium.recorder;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Arrays;

/**
 * Opus for a recording: 20 ms mono frames at 48 kHz, 32 kb/s, one encoder for the whole file so
 * that the stream is continuous across silence. The room's mix comes at the room's rate (8, 12, 16,
 * 24 or 48 kHz, all divisors of 48 kHz) and is brought to 48 kHz by linear interpolation, so one
 * file never changes rate.
 */
final class RoomMixEncoder {
  static final int RATE = 48_000;
  static final int FRAME = 960;
  private static final int MAX_PACKET = 1500;

  private final OpusEncoder encoder;
  private final byte[] out = new byte[MAX_PACKET];
  private final short[] silence = new short[FRAME];

  /** Silent frames in a row; past a few, the encoder's packet for silence no longer changes. */
  private int silentRun;

  private byte[] lastSilentPacket;

  RoomMixEncoder() {
    try {
      encoder = new OpusEncoder(RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
      encoder.setBitrate(32_000);
    } catch (OpusException e) {
      throw new IllegalStateException("Opus encoder unavailable", e);
    }
  }

  /** The encoder's lookahead in 48 kHz samples: the pre-skip of the Ogg Opus header. */
  int preSkip() {
    return encoder.getLookahead();
  }

  /** One frame of the room mix: {@code pcm.length} samples of 20 ms at the room's rate. */
  byte[] encode(short[] pcm) {
    silentRun = 0;
    return encodeFrame(pcm.length == FRAME ? pcm : upsample(pcm));
  }

  /** One frame of silence. A long quiet stretch reuses the settled silent packet. */
  byte[] silence() {
    if (silentRun >= 5 && lastSilentPacket != null) {
      return lastSilentPacket;
    }
    silentRun++;
    lastSilentPacket = encodeFrame(silence);
    return lastSilentPacket;
  }

  private byte[] encodeFrame(short[] frame) {
    try {
      int length = encoder.encode(frame, 0, FRAME, out, 0, out.length);
      return Arrays.copyOf(out, length);
    } catch (OpusException e) {
      throw new IllegalStateException("Opus encoding failed", e);
    }
  }

  /** Linear interpolation from {@code pcm.length} samples to {@link #FRAME}. */
  static short[] upsample(short[] pcm) {
    if (pcm.length == 0 || FRAME % pcm.length != 0) {
      throw new IllegalArgumentException("a frame of " + pcm.length + " samples is not 20 ms");
    }
    int factor = FRAME / pcm.length;
    short[] up = new short[FRAME];
    for (int i = 0; i < pcm.length; i++) {
      int a = pcm[i];
      int b = i + 1 < pcm.length ? pcm[i + 1] : pcm[i];
      for (int k = 0; k < factor; k++) {
        up[i * factor + k] = (short) (a + (b - a) * k / factor);
      }
    }
    return up;
  }
}
