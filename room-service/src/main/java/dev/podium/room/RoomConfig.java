package dev.podium.room;

import dev.podium.runtime.Settings;
import java.time.Duration;

/**
 * @param reconnectGrace how long the host (then the event) and co-hosts (then their role) outlive a
 *                       dropped socket ({@code PODIUM_HOST_GRACE_MS})
 * @param cohostLimit    most co-hosts per event ({@code PODIUM_COHOST_LIMIT})
 * @param inviteTtl      how long a co-host invitation stays open ({@code PODIUM_INVITE_TTL_MS})
 * @param failover       a room-service instance silent this long is replaced by a standby
 *                       ({@code PODIUM_ROOM_FAILOVER_MS})
 */
public record RoomConfig(Duration reconnectGrace, int cohostLimit, Duration inviteTtl, Duration failover) {
  public static RoomConfig from(Settings settings) {
    return new RoomConfig(
        settings.millis("PODIUM_HOST_GRACE_MS", 30_000),
        settings.integer("PODIUM_COHOST_LIMIT", 10, 1, 1000),
        settings.millis("PODIUM_INVITE_TTL_MS", 60_000),
        settings.millis("PODIUM_ROOM_FAILOVER_MS", 1_000));
  }

  /** Defaults with another grace period and a quick start (tests). */
  public static RoomConfig withGrace(Duration grace) {
    return new RoomConfig(grace, 10, Duration.ofSeconds(60), Duration.ofMillis(100));
  }
}
