package dev.podium.room;

import dev.podium.runtime.Settings;
import java.time.Duration;

/**
 * @param hostGrace how long an event outlives its host's dropped socket ({@code PODIUM_HOST_GRACE_MS})
 */
public record RoomConfig(Duration hostGrace) {
  public static RoomConfig from(Settings settings) {
    return new RoomConfig(settings.millis("PODIUM_HOST_GRACE_MS", 30_000));
  }
}
