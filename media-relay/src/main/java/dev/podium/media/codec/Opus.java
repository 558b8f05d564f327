package dev.podium.media.codec;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Arrays;

/**
 * Opus for 20 ms mono frames (Concentus, pure Java). One {@link Encoder} per event encodes the room
 * mix once per tick, whatever the number of Opus listeners; one {@link Decoder} per Opus publisher
 * turns their packets back into PCM for the mixer.
 */
public final class Opus {
  private static final int MAX_PACKET = 1500;

  private Opus() {}

  public static final class Encoder {
    private final OpusEncoder encoder;
    private final byte[] out = new byte[MAX_PACKET];

    public Encoder(int sampleRate, int bitrate) {
      try {
        encoder = new OpusEncoder(sampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        encoder.setBitrate(bitrate);
      } catch (OpusException e) {
        throw new IllegalArgumentException("Opus cannot encode at " + sampleRate + " Hz", e);
      }
    }

    public byte[] encode(short[] frame) {
      try {
        int length = encoder.encode(frame, 0, frame.length, out, 0, out.length);
        return Arrays.copyOf(out, length);
      } catch (OpusException e) {
        throw new IllegalStateException("Opus encoding failed", e);
      }
    }
  }

  public static final class Decoder {
    private final OpusDecoder decoder;
    private final int frameSamples;

    public Decoder(int sampleRate, int frameSamples) {
      try {
        decoder = new OpusDecoder(sampleRate, 1);
      } catch (OpusException e) {
        throw new IllegalArgumentException("Opus cannot decode at " + sampleRate + " Hz", e);
      }
      this.frameSamples = frameSamples;
    }

    /** The PCM of one packet (up to 120 ms), or an exception for a corrupt packet. */
    public short[] decode(byte[] packet) throws OpusException {
      short[] pcm = new short[frameSamples * 6];
      int samples = decoder.decode(packet, 0, packet.length, pcm, 0, pcm.length, false);
      return Arrays.copyOf(pcm, samples);
    }
  }
}
