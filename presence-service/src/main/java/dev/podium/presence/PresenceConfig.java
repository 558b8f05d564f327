package dev.podium.presence;

import dev.podium.runtime.Settings;
import java.time.Duration;

/**
 * @param listCap most entries in a broadcast {@code participant_list} ({@code
 *     PODIUM_PARTICIPANT_LIST_CAP})
 * @param listInterval least time between two list broadcasts of one room ({@code
 *     PODIUM_LIST_INTERVAL_MS})
 * @param nodeTimeout a gateway node silent this long is considered dead and its participants
 *     removed ({@code PODIUM_NODE_TIMEOUT_MS})
 * @param maxPageSize largest {@code get_participants} page ({@code PODIUM_MAX_PAGE_SIZE})
 * @param noticesPerSecond most {@code participant_joined} (and, separately, {@code
 *     participant_left}) notices one room gets a second, with as many in reserve; past that the
 *     coalesced list and count show the change ({@code PODIUM_ROOM_NOTICES_PER_SECOND})
 * @param pauseLimit an instance that finds it stood still this long (GC, SIGSTOP) steps down and
 *     owns nothing until it has re-learnt the cluster ({@code PODIUM_OWNERSHIP_PAUSE_MS}, shared
 *     with the room-service)
 */
public record PresenceConfig(
    int listCap,
    Duration listInterval,
    Duration nodeTimeout,
    int maxPageSize,
    Duration pauseLimit,
    int noticesPerSecond) {
  public static PresenceConfig from(Settings settings) {
    return new PresenceConfig(
        settings.integer("PODIUM_PARTICIPANT_LIST_CAP", 100, 1, 100_000),
        settings.millis("PODIUM_LIST_INTERVAL_MS", 250),
        settings.millis("PODIUM_NODE_TIMEOUT_MS", 5_000),
        settings.integer("PODIUM_MAX_PAGE_SIZE", 500, 1, 100_000),
        Duration.ofMillis(settings.integer("PODIUM_OWNERSHIP_PAUSE_MS", 2_000, 200, 60_000)),
        settings.integer("PODIUM_ROOM_NOTICES_PER_SECOND", 10, 1, 100_000));
  }
}
