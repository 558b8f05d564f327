package dev.podium.recorder;

import dev.podium.runtime.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * @param directory where recordings are written ({@code PODIUM_RECORDINGS_DIR}, default {@code
 *     podium-data/recordings}); every recorder of a cluster must see the same folder (a shared
 *     volume), so that one can continue another's file and any can serve it
 * @param mixLatency how far the relay's room mix runs behind the speakers ({@code
 *     PODIUM_RECORDING_LATENCY_MS}, default 80: the relay's 60 ms jitter buffer and one 20 ms
 *     tick); the recording's timeline is shifted back by it so that it lines up with the chat
 * @param pauseLimit a recorder that stood still this long steps down ({@code
 *     PODIUM_OWNERSHIP_PAUSE_MS}, as every service that owns events)
 */
public record RecorderConfig(Path directory, Duration mixLatency, Duration pauseLimit) {
  public static RecorderConfig from(Settings settings) {
    return new RecorderConfig(
        Path.of(
            settings.string(
                "PODIUM_RECORDINGS_DIR",
                Path.of(settings.string("PODIUM_DATA_DIR", "podium-data"), "recordings")
                    .toString())),
        Duration.ofMillis(settings.integer("PODIUM_RECORDING_LATENCY_MS", 20, 0, 2_000)),
        Duration.ofMillis(settings.integer("PODIUM_OWNERSHIP_PAUSE_MS", 2_000, 200, 60_000)));
  }
}
