package dev.podium.api.media;

import java.util.List;

/**
 * The sample rates a speaker's PCM may have, and how the gateway tells the media relay the rate a
 * client declared ({@code ?rate=} on its URL). The relay resamples every speaker to the room's
 * rate; a speaker who declares nothing has its rate estimated from how fast its samples arrive,
 * snapped to one of these.
 */
public final class InputRates {
  private InputRates() {}

  /**
   * The rates accepted in {@code ?rate=} and those the relay's estimate snaps to: the telephone and
   * Opus rates, the CD family and the usual audio-interface rates (a browser's default AudioContext
   * runs at the machine's rate, most often 44100 or 48000).
   */
  public static final List<Integer> COMMON =
      List.of(
          8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 88_200, 96_000);

  /**
   * Header on a PCM chunk sent to {@code podium.media.relay.<id>.in}: the rate its sender declared,
   * in Hz (absent when it declared none, and on Opus chunks).
   */
  public static final String HEADER = "sample-rate";

  /** Whether {@code rate} is one of {@link #COMMON}. */
  public static boolean isCommon(int rate) {
    return COMMON.contains(rate);
  }
}
