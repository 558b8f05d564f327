package dev.podium.room;

import dev.podium.runtime.Settings;
import java.time.Duration;

/**
 * @param reconnectGrace how long the host (then the event) and co-hosts (then their role) outlive a
 *     dropped socket ({@code PODIUM_HOST_GRACE_MS})
 * @param cohostLimit most co-hosts per event ({@code PODIUM_COHOST_LIMIT})
 * @param inviteTtl how long a co-host invitation stays open ({@code PODIUM_INVITE_TTL_MS})
 * @param pauseLimit an instance that finds it stood still this long (GC, SIGSTOP) steps down and
 *     owns nothing until it has re-learnt the cluster ({@code PODIUM_OWNERSHIP_PAUSE_MS})
 */
public record RoomConfig(
    Duration reconnectGrace, int cohostLimit, Duration inviteTtl, Duration pauseLimit) {
  public static RoomConfig from(Settings settings) {
    return new RoomConfig(
        settings.millis("PODIUM_HOST_GRACE_MS", 30_000),
        settings.integer("PODIUM_COHOST_LIMIT", 10, 1, 1000),
        settings.millis("PODIUM_INVITE_TTL_MS", 60_000),
        Duration.ofMillis(settings.integer("PODIUM_OWNERSHIP_PAUSE_MS", 2_000, 200, 60_000)));
  }

  /** Defaults with another grace period and a quick start (tests). */
  public static RoomConfig withGrace(Duration grace) {
    return new RoomConfig(grace, 10, Duration.ofSeconds(60), Duration.ofSeconds(2));
  }
}
