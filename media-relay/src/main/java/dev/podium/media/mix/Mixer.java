package dev.podium.media.mix;

import java.util.HashMap;
import java.util.Map;

/**
 * Sums the current frames of all speakers with saturation (no averaging, so a voice keeps its
 * loudness however many others speak; no wrap-around, so loud peaks clip instead of cracking), and
 * derives each speaker's mix-minus (the room without their own voice).
 */
public final class Mixer {
  private Mixer() {}

  /** The room mix and one mix-minus per speaker. */
  public record Mix(short[] room, Map<String, short[]> minus) {}

  public static Mix mix(Map<String, short[]> frames, int samples) {
    if (frames.size() == 1) {
      // A lone speaker (most rooms, most of the time): the room is their frame and their
      // mix-minus is silence; no sums. Copied, so the mix never aliases the jitter buffer's frame.
      Map.Entry<String, short[]> only = frames.entrySet().iterator().next();
      return new Mix(
          java.util.Arrays.copyOf(only.getValue(), samples),
          Map.of(only.getKey(), new short[samples]));
    }
    int[] sum = new int[samples];
    for (short[] frame : frames.values()) {
      for (int i = 0; i < samples; i++) {
        sum[i] += frame[i];
      }
    }
    short[] room = new short[samples];
    for (int i = 0; i < samples; i++) {
      room[i] = saturate(sum[i]);
    }
    Map<String, short[]> minus = new HashMap<>(frames.size() * 2);
    frames.forEach(
        (speaker, own) -> {
          short[] m = new short[samples];
          for (int i = 0; i < samples; i++) {
            m[i] = saturate(sum[i] - own[i]);
          }
          minus.put(speaker, m);
        });
    return new Mix(room, minus);
  }

  public static short saturate(int value) {
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, value));
  }

  /** Loudness of a frame, 0..1: RMS relative to a full-scale sine. */
  public static double level(short[] frame) {
    double energy = 0;
    for (short s : frame) {
      energy += (double) s * s;
    }
    double rms = Math.sqrt(energy / frame.length);
    return Math.min(1.0, rms * Math.sqrt(2) / Short.MAX_VALUE);
  }
}
