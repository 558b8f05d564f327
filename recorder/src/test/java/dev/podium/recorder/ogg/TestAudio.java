package dev.podium.recorder.ogg;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Tone in, Opus packets out, and back: the audio side of the Ogg tests. */
final class TestAudio {
  static final int RATE = 48_000;
  static final int FRAME = 960; // 20 ms at 48 kHz

  private TestAudio() {}

  static OpusEncoder encoder() throws OpusException {
    OpusEncoder encoder = new OpusEncoder(RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
    encoder.setBitrate(32_000);
    return encoder;
  }

  /** Encodes frames of a continuous sine tone, starting at sample index firstSample. */
  static List<byte[]> tone(OpusEncoder encoder, double hz, long firstSample, int frames)
      throws OpusException {
    List<byte[]> packets = new ArrayList<>();
    byte[] out = new byte[1500];
    short[] pcm = new short[FRAME];
    for (int f = 0; f < frames; f++) {
      for (int i = 0; i < FRAME; i++) {
        long n = firstSample + (long) f * FRAME + i;
        pcm[i] = (short) (0.5 * Short.MAX_VALUE * Math.sin(2 * Math.PI * hz * n / RATE));
      }
      int length = encoder.encode(pcm, 0, FRAME, out, 0, out.length);
      packets.add(Arrays.copyOf(out, length));
    }
    return packets;
  }

  /** Decodes packets in order with one decoder, as a player would. */
  static short[] decode(List<byte[]> packets) throws OpusException {
    OpusDecoder decoder = new OpusDecoder(RATE, 1);
    short[] all = new short[packets.size() * FRAME * 6];
    int total = 0;
    for (byte[] packet : packets) {
      total += decoder.decode(packet, 0, packet.length, all, total, FRAME * 6, false);
    }
    return Arrays.copyOf(all, total);
  }

  /** Signal power at one frequency over pcm[from, to) (Goertzel). */
  static double power(short[] pcm, int from, int to, double hz) {
    double coefficient = 2 * Math.cos(2 * Math.PI * hz / RATE);
    double previous = 0;
    double beforePrevious = 0;
    for (int i = from; i < to; i++) {
      double s = pcm[i] + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = s;
    }
    return previous * previous
        + beforePrevious * beforePrevious
        - coefficient * previous * beforePrevious;
  }
}
