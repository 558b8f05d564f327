package dev.podium.media;

import dev.podium.runtime.Settings;
import java.time.Duration;

/**
 * @param sampleRate      the rooms' sample rate, mono ({@code PODIUM_MEDIA_SAMPLE_RATE})
 * @param jitter          jitter buffer: how long past its grid time a tick waits for a playing
 *                        speaker's late frame, 0 to 1000 ms ({@code PODIUM_MEDIA_JITTER_MS}); at
 *                        least one frame for a speaker whose chunks split frames (see {@code EventMixer})
 * @param levelsInterval  how often {@code speaker_levels} may be sent ({@code PODIUM_MEDIA_LEVELS_MS})
 * @param relayTimeout    a media-relay silent this long has its events taken over ({@code PODIUM_MEDIA_RELAY_TIMEOUT_MS})
 * @param opus            encode each tick's room mix in Opus too, for {@code ?codec=opus} listeners ({@code PODIUM_MEDIA_OPUS})
 */
public record MediaConfig(int sampleRate, Duration jitter, Duration levelsInterval, Duration relayTimeout,
    boolean opus) {
  public static final int FRAME_MILLIS = 20;

  public static MediaConfig from(Settings settings) {
    int rate = settings.integer("PODIUM_MEDIA_SAMPLE_RATE", 48_000, 8_000, 48_000);
    if (rate != 8_000 && rate != 12_000 && rate != 16_000 && rate != 24_000 && rate != 48_000) {
      // The rates Opus supports; one sample rate for PCM and Opus keeps the mixer simple.
      throw new Settings.InvalidSettingException("PODIUM_MEDIA_SAMPLE_RATE",
          "must be 8000, 12000, 16000, 24000 or 48000, got " + rate);
    }
    return new MediaConfig(
        rate,
        Duration.ofMillis(settings.integer("PODIUM_MEDIA_JITTER_MS", 60, 0, 1_000)),
        settings.millis("PODIUM_MEDIA_LEVELS_MS", 200),
        settings.millis("PODIUM_MEDIA_RELAY_TIMEOUT_MS", 1_000),
        settings.bool("PODIUM_MEDIA_OPUS", true));
  }

  public int frameSamples() {
    return sampleRate * FRAME_MILLIS / 1000;
  }
}
