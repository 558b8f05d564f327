package dev.podium.presence;

import dev.podium.api.presence.Participant;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who is in which event: exactly one entry per user id per event, in join order. Plain state; the
 * service turns its answers into room messages.
 */
final class Memberships {
  private final Map<String, LinkedHashMap<String, Participant>> byEvent = new HashMap<>();

  /**
   * Per event, the entries its {@code participant_list} shows, as last built: every join answers
   * with the list, and in a room above the cap a listener's join (the common one) does not change
   * them, so it neither walks the room nor builds an entry. Dropped on any change that can alter
   * them.
   */
  private final Map<String, Head> heads = new HashMap<>();

  /** The first {@code cap} entries of an event's list. */
  private record Head(int cap, List<ServerMessage.ParticipantEntry> entries) {}

  /**
   * What a join did. {@code previous} is the entry it replaced, if the user was already present.
   */
  record Joined(Participant current, Optional<Participant> previous) {}

  /** A participant removed from an event. */
  record Removed(String eventId, Participant participant) {}

  Joined join(String eventId, Participant participant) {
    LinkedHashMap<String, Participant> members =
        byEvent.computeIfAbsent(eventId, id -> new LinkedHashMap<>());
    Participant previous = members.get(participant.userId());
    // Replacing keeps the user's place in the join order: the room sees no change.
    members.put(participant.userId(), participant);
    Head head = heads.get(eventId);
    boolean appendedBeyondHead =
        previous == null
            && !Participant.ROLE_HOST.equals(participant.role())
            && !Participant.ROLE_COHOST.equals(participant.role())
            && head != null
            && members.size() > head.cap();
    if (!appendedBeyondHead) {
      heads.remove(eventId);
    }
    return new Joined(participant, Optional.ofNullable(previous));
  }

  Optional<Participant> find(String eventId, String userId) {
    LinkedHashMap<String, Participant> members = byEvent.get(eventId);
    return members == null ? Optional.empty() : Optional.ofNullable(members.get(userId));
  }

  /** Changes a present user's role; false if they are not present. */
  boolean setRole(String eventId, String userId, String role) {
    LinkedHashMap<String, Participant> members = byEvent.get(eventId);
    Participant current = members == null ? null : members.get(userId);
    if (current == null) {
      return false;
    }
    members.put(userId, current.withRole(role));
    heads.remove(eventId);
    return true;
  }

  /** Every entry of the user, in any event. */
  List<Participant> everywhere(String userId) {
    List<Participant> found = new ArrayList<>();
    byEvent
        .values()
        .forEach(
            members -> {
              Participant p = members.get(userId);
              if (p != null) {
                found.add(p);
              }
            });
    return found;
  }

  /** Removes the user if this session still carries them. */
  Optional<Participant> leave(String eventId, String userId, String sessionId) {
    LinkedHashMap<String, Participant> members = byEvent.get(eventId);
    if (members == null) {
      return Optional.empty();
    }
    Participant current = members.get(userId);
    if (current == null || !current.sessionId().equals(sessionId)) {
      return Optional.empty();
    }
    members.remove(userId);
    heads.remove(eventId);
    if (members.isEmpty()) {
      byEvent.remove(eventId);
    }
    return Optional.of(current);
  }

  /** Removes every participant carried by the gateway node. */
  List<Removed> removeNode(String nodeId) {
    List<Removed> removed = new ArrayList<>();
    byEvent.forEach(
        (eventId, members) ->
            members
                .values()
                .removeIf(
                    p -> {
                      if (nodeId.equals(p.nodeId())) {
                        removed.add(new Removed(eventId, p));
                        heads.remove(eventId);
                        return true;
                      }
                      return false;
                    }));
    byEvent.values().removeIf(Map::isEmpty);
    return removed;
  }

  /** Forgets an event that ended; returns who was still in it. */
  List<Participant> dropEvent(String eventId) {
    LinkedHashMap<String, Participant> members = byEvent.remove(eventId);
    heads.remove(eventId);
    return members == null ? List.of() : new ArrayList<>(members.values());
  }

  /** The event's participants in join order (what its cluster copy keeps). */
  List<Participant> members(String eventId) {
    LinkedHashMap<String, Participant> members = byEvent.get(eventId);
    return members == null ? List.of() : new ArrayList<>(members.values());
  }

  /**
   * Puts back an event's participants, in join order, from its cluster copy (replacing what was
   * here).
   */
  void restore(String eventId, List<Participant> participants) {
    byEvent.remove(eventId);
    heads.remove(eventId);
    if (!participants.isEmpty()) {
      LinkedHashMap<String, Participant> members = new LinkedHashMap<>();
      participants.forEach(p -> members.put(p.userId(), p));
      byEvent.put(eventId, members);
    }
  }

  /** Participants across all events. */
  int total() {
    int total = 0;
    for (LinkedHashMap<String, Participant> members : byEvent.values()) {
      total += members.size();
    }
    return total;
  }

  int count(String eventId) {
    LinkedHashMap<String, Participant> members = byEvent.get(eventId);
    return members == null ? 0 : members.size();
  }

  /**
   * The {@code participant_list} message: host, then co-hosts, then listeners in join order; above
   * {@code cap} entries the listeners are cut and {@code truncated} is true.
   */
  JsonObject listMessage(String eventId, int cap) {
    return ProtocolCodec.toJson(list(eventId, cap));
  }

  /**
   * The same message as JSON text, for the joiner's own socket: it crosses the event bus and the
   * gateway as it is, neither copied nor encoded again.
   */
  String listText(String eventId, int cap) {
    return ProtocolCodec.encode(list(eventId, cap));
  }

  private ServerMessage.ParticipantList list(String eventId, int cap) {
    int total = count(eventId);
    return new ServerMessage.ParticipantList(head(eventId, cap), total, total > cap);
  }

  private List<ServerMessage.ParticipantEntry> head(String eventId, int cap) {
    Head head = heads.get(eventId);
    if (head != null && head.cap() == cap) {
      return head.entries();
    }
    List<Participant> ordered = ordered(eventId);
    List<ServerMessage.ParticipantEntry> entries = new ArrayList<>(Math.min(cap, ordered.size()));
    for (int i = 0; i < ordered.size() && i < cap; i++) {
      entries.add(ordered.get(i).listEntry());
    }
    entries = List.copyOf(entries);
    if (byEvent.containsKey(eventId)) {
      heads.put(eventId, new Head(cap, entries));
    }
    return entries;
  }

  /** One page of the same order as {@link #listMessage}: the {@code participant_page} message. */
  JsonObject page(String eventId, int offset, int limit) {
    List<Participant> ordered = ordered(eventId);
    List<ServerMessage.ParticipantEntry> entries = new ArrayList<>();
    for (int i = offset; i < ordered.size() && i < offset + limit; i++) {
      entries.add(ordered.get(i).listEntry());
    }
    return ProtocolCodec.toJson(
        new ServerMessage.ParticipantPage(entries, offset, limit, ordered.size()));
  }

  private List<Participant> ordered(String eventId) {
    LinkedHashMap<String, Participant> members = byEvent.get(eventId);
    if (members == null) {
      return List.of();
    }
    List<Participant> hosts = new ArrayList<>(1);
    List<Participant> cohosts = new ArrayList<>();
    List<Participant> listeners = new ArrayList<>(members.size());
    for (Participant p : members.values()) {
      switch (p.role()) {
        case Participant.ROLE_HOST -> hosts.add(p);
        case Participant.ROLE_COHOST -> cohosts.add(p);
        default -> listeners.add(p);
      }
    }
    hosts.addAll(cohosts);
    hosts.addAll(listeners);
    return hosts;
  }
}
