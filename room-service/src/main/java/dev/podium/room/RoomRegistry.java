package dev.podium.room;

import dev.podium.api.room.LiveEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live events and their hosts. Plain state, no timers or I/O: the service decides when things
 * happen, this class keeps them consistent (one live event per host, ids never reused).
 */
public final class RoomRegistry {
  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final Map<String, Room> byEventId = new HashMap<>();
  private final Map<String, String> eventIdByHost = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final int cohostLimit;

  public RoomRegistry(Clock clock, int cohostLimit) {
    this.clock = clock;
    this.cohostLimit = cohostLimit;
  }

  /** One live event. Mutable only through the registry's owner (a single event loop). */
  public static final class Room {
    final String eventId;
    final String hostUserId;
    final String hostUsername;
    final Instant startedAt;
    final Stage stage;
    /** Reconnect-grace timers of the host and co-hosts who are away, by user id. */
    final Map<String, Long> awayTimers = new HashMap<>();

    Room(String eventId, String hostUserId, String hostUsername, Instant startedAt, int cohostLimit) {
      this.eventId = eventId;
      this.hostUserId = hostUserId;
      this.hostUsername = hostUsername;
      this.startedAt = startedAt;
      this.stage = new Stage(hostUserId, hostUsername, cohostLimit);
    }

    public Stage stage() {
      return stage;
    }

    public Map<String, Long> awayTimers() {
      return awayTimers;
    }

    public String eventId() {
      return eventId;
    }

    public String hostUserId() {
      return hostUserId;
    }

    LiveEvent describe(boolean resumed) {
      return new LiveEvent(eventId, hostUserId, hostUsername, startedAt.toString(), stage.mode(), resumed);
    }
  }

  /** Result of {@link #goLive}: the event and whether it already existed. */
  public record GoLive(Room room, boolean resumed) {
    public LiveEvent event() {
      return room.describe(resumed);
    }
  }

  public GoLive goLive(String hostUserId, String hostUsername) {
    String existing = eventIdByHost.get(hostUserId);
    if (existing != null) {
      return new GoLive(byEventId.get(existing), true);
    }
    Room room = new Room(newEventId(), hostUserId, hostUsername, clock.instant(), cohostLimit);
    byEventId.put(room.eventId, room);
    eventIdByHost.put(hostUserId, room.eventId);
    return new GoLive(room, false);
  }

  public Optional<Room> find(String eventId) {
    return Optional.ofNullable(byEventId.get(eventId));
  }

  public Optional<Room> remove(String eventId) {
    Room room = byEventId.remove(eventId);
    if (room != null) {
      eventIdByHost.remove(room.hostUserId, eventId);
    }
    return Optional.ofNullable(room);
  }

  public List<LiveEvent> live() {
    return byEventId.values().stream()
        .sorted(java.util.Comparator.comparing((Room r) -> r.startedAt))
        .map(r -> r.describe(false))
        .toList();
  }

  public static LiveEvent describe(Room room) {
    return room.describe(false);
  }

  private String newEventId() {
    String id;
    do {
      char[] chars = new char[12];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
      }
      id = new String(chars);
    } while (byEventId.containsKey(id));
    return id;
  }
}
