package dev.podium.room;

import dev.podium.api.room.LiveEvent;
import io.vertx.core.json.JsonObject;
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

    /**
     * Reconnect-grace timers of the host and co-hosts who are away, by user id (this process only).
     */
    final Map<String, Long> awayTimers = new HashMap<>();

    /** When each away user's grace ends (epoch millis); part of the cluster copy. */
    final Map<String, Long> awayUntil = new HashMap<>();

    Room(String eventId, String hostUserId, String hostUsername, Instant startedAt, Stage stage) {
      this.eventId = eventId;
      this.hostUserId = hostUserId;
      this.hostUsername = hostUsername;
      this.startedAt = startedAt;
      this.stage = stage;
    }

    public Map<String, Long> awayUntil() {
      return awayUntil;
    }

    /** The whole room as JSON, for the cluster copy. */
    public JsonObject toJson() {
      JsonObject away = new JsonObject();
      awayUntil.forEach(away::put);
      return new JsonObject()
          .put("event_id", eventId)
          .put("host", new JsonObject().put("user_id", hostUserId).put("username", hostUsername))
          .put("started_at", startedAt.toString())
          .put("stage", stage.toJson())
          .put("away_until", away);
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
      return new LiveEvent(
          eventId,
          hostUserId,
          hostUsername,
          startedAt.toString(),
          stage.mode(),
          resumed,
          stage.recording().map(Stage.Recording::toJson).orElse(null));
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
    Room room =
        new Room(
            newEventId(),
            hostUserId,
            hostUsername,
            clock.instant(),
            new Stage(hostUserId, hostUsername, cohostLimit));
    byEventId.put(room.eventId, room);
    eventIdByHost.put(hostUserId, room.eventId);
    return new GoLive(room, false);
  }

  /**
   * Opens a new event with an id chosen by the caller (the room-service picks one it owns), or null
   * when the host already has a live event here.
   */
  public Room open(String eventId, String hostUserId, String hostUsername) {
    if (eventIdByHost.containsKey(hostUserId) || byEventId.containsKey(eventId)) {
      return null;
    }
    Room room =
        new Room(
            eventId,
            hostUserId,
            hostUsername,
            clock.instant(),
            new Stage(hostUserId, hostUsername, cohostLimit));
    byEventId.put(eventId, room);
    eventIdByHost.put(hostUserId, eventId);
    return room;
  }

  /** A fresh random event id (ids are never reused: 12 characters of a 32-letter alphabet). */
  public String newId() {
    return newEventId();
  }

  /** How many rooms this instance holds. */
  public int size() {
    return byEventId.size();
  }

  /** Describes an event from its cluster copy, without taking it in. */
  public static LiveEvent describe(JsonObject json, boolean resumed) {
    JsonObject host = json.getJsonObject("host");
    return new LiveEvent(
        json.getString("event_id"),
        host.getString("user_id"),
        host.getString("username"),
        json.getString("started_at"),
        json.getJsonObject("stage", new JsonObject()).getString("mode", "audio"),
        resumed,
        json.getJsonObject("stage", new JsonObject()).getJsonObject("recording"));
  }

  /** Puts back a room from its cluster copy (a standby taking over). */
  public Room restore(JsonObject json) {
    JsonObject host = json.getJsonObject("host");
    String hostUserId = host.getString("user_id");
    String hostUsername = host.getString("username");
    Room room =
        new Room(
            json.getString("event_id"),
            hostUserId,
            hostUsername,
            Instant.parse(json.getString("started_at")),
            Stage.fromJson(
                hostUserId,
                hostUsername,
                cohostLimit,
                json.getJsonObject("stage", new JsonObject())));
    json.getJsonObject("away_until", new JsonObject())
        .forEach(e -> room.awayUntil.put(e.getKey(), ((Number) e.getValue()).longValue()));
    byEventId.put(room.eventId, room);
    eventIdByHost.put(hostUserId, room.eventId);
    return room;
  }

  /** Every room (a copy of the list). */
  public List<Room> rooms() {
    return List.copyOf(byEventId.values());
  }

  /** Forgets everything (this instance stops being the active one). */
  public void clear() {
    byEventId.clear();
    eventIdByHost.clear();
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
