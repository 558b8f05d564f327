package dev.podium.media;

import io.vertx.core.buffer.Buffer;

/** PCM sample arrays to signed 16-bit little-endian bytes. */
final class Pcm {
  private Pcm() {}

  static Buffer toBuffer(short[] samples) {
    byte[] out = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      out[2 * i] = (byte) samples[i];
      out[2 * i + 1] = (byte) (samples[i] >> 8);
    }
    return Buffer.buffer(out);
  }
}
