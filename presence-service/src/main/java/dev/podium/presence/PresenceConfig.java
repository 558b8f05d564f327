package dev.podium.presence;

import dev.podium.runtime.Settings;
import java.time.Duration;

/**
 * @param listCap      most entries in a broadcast {@code participant_list} ({@code PODIUM_PARTICIPANT_LIST_CAP})
 * @param listInterval least time between two list broadcasts of one room ({@code PODIUM_LIST_INTERVAL_MS})
 * @param nodeTimeout  a gateway node silent this long is considered dead and its participants removed
 *                     ({@code PODIUM_NODE_TIMEOUT_MS})
 * @param maxPageSize  largest {@code get_participants} page ({@code PODIUM_MAX_PAGE_SIZE})
 * @param failover     an active presence-service instance silent this long is replaced by a standby
 *                     ({@code PODIUM_PRESENCE_FAILOVER_MS})
 */
public record PresenceConfig(int listCap, Duration listInterval, Duration nodeTimeout, int maxPageSize,
    Duration failover) {
  public static PresenceConfig from(Settings settings) {
    return new PresenceConfig(
        settings.integer("PODIUM_PARTICIPANT_LIST_CAP", 100, 1, 100_000),
        settings.millis("PODIUM_LIST_INTERVAL_MS", 250),
        settings.millis("PODIUM_NODE_TIMEOUT_MS", 5_000),
        settings.integer("PODIUM_MAX_PAGE_SIZE", 500, 1, 100_000),
        settings.millis("PODIUM_PRESENCE_FAILOVER_MS", 1_000));
  }
}
