package dev.podium.api;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The instances of one kind of service alive in the cluster (each heard from within the timeout)
 * and which one owns a key: rendezvous hashing, so every process that hears the same heartbeats
 * computes the same owner, and when an owner dies only its keys move. Left only for the
 * presence-service's active/standby election (runtime {@code ActiveStandby}); the room-service and
 * the media relays take ownership from the cluster's membership (runtime {@code ServiceOwnership}),
 * and this class goes when the presence-service does too.
 */
public final class InstanceDirectory {
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final long timeoutNanos;

  public InstanceDirectory(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  public void seen(String relayId, long nowNanos) {
    lastSeen.put(relayId, nowNanos);
  }

  /** Removes an instance that said it is leaving, without waiting for its heartbeats to time out. */
  public void forget(String instanceId) {
    lastSeen.remove(instanceId);
  }

  /** The relay that mixes the event, or null when no relay is alive. */
  public String owner(String eventId, long nowNanos) {
    lastSeen.values().removeIf(t -> nowNanos - t > timeoutNanos);
    String best = null;
    long bestScore = Long.MIN_VALUE;
    for (String relay : lastSeen.keySet()) {
      long score = score(eventId, relay);
      if (score > bestScore || (score == bestScore && relay.compareTo(best) < 0)) {
        best = relay;
        bestScore = score;
      }
    }
    return best;
  }

  private static long score(String eventId, String relayId) {
    CRC32 crc = new CRC32();
    crc.update((eventId + "\u0000" + relayId).getBytes(StandardCharsets.UTF_8));
    long h = crc.getValue() * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29);
  }
}
