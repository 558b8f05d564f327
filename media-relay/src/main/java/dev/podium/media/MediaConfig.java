package dev.podium.media;

import dev.podium.runtime.Settings;
import java.time.Duration;

/**
 * @param sampleRate the rooms' sample rate, mono ({@code PODIUM_MEDIA_SAMPLE_RATE})
 * @param jitter jitter buffer: how long past its grid time a tick waits for a playing speaker's
 *     late frame, 0 to 1000 ms ({@code PODIUM_MEDIA_JITTER_MS}); at least one frame for a speaker
 *     whose chunks split frames (see {@code EventMixer})
 * @param levelsInterval how often {@code speaker_levels} may be sent ({@code
 *     PODIUM_MEDIA_LEVELS_MS})
 * @param pauseLimit a relay that finds it stood still this long (GC, SIGSTOP) stops mixing until it
 *     has re-learnt the ring, so it never mixes beside the relay that took its events over ({@code
 *     PODIUM_OWNERSHIP_PAUSE_MS}, the room-service's setting)
 * @param opus encode each tick's room mix in Opus too, for {@code ?codec=opus} listeners ({@code
 *     PODIUM_MEDIA_OPUS})
 */
public record MediaConfig(
    int sampleRate, Duration jitter, Duration levelsInterval, Duration pauseLimit, boolean opus) {
  public static final int FRAME_MILLIS = 20;

  public static MediaConfig from(Settings settings) {
    int rate = settings.integer("PODIUM_MEDIA_SAMPLE_RATE", 48_000, 8_000, 48_000);
    if (rate != 8_000 && rate != 12_000 && rate != 16_000 && rate != 24_000 && rate != 48_000) {
      // The rates Opus supports; one sample rate for PCM and Opus keeps the mixer simple.
      throw new Settings.InvalidSettingException(
          "PODIUM_MEDIA_SAMPLE_RATE", "must be 8000, 12000, 16000, 24000 or 48000, got " + rate);
    }
    return new MediaConfig(
        rate,
        Duration.ofMillis(settings.integer("PODIUM_MEDIA_JITTER_MS", 60, 0, 1_000)),
        settings.millis("PODIUM_MEDIA_LEVELS_MS", 200),
        Duration.ofMillis(settings.integer("PODIUM_OWNERSHIP_PAUSE_MS", 2_000, 200, 60_000)),
        settings.bool("PODIUM_MEDIA_OPUS", true));
  }

  public int frameSamples() {
    return sampleRate * FRAME_MILLIS / 1000;
  }
}
