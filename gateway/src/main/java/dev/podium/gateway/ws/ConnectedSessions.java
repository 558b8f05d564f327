package dev.podium.gateway.ws;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's open sessions by id (on every event loop), so that control messages can reach one
 * socket.
 */
public final class ConnectedSessions {
  private final Map<String, Session> byId = new ConcurrentHashMap<>();

  void add(Session session) {
    byId.put(session.id(), session);
  }

  void remove(Session session) {
    byId.remove(session.id(), session);
  }

  public Optional<Session> get(String sessionId) {
    return Optional.ofNullable(byId.get(sessionId));
  }

  /** A copy of all open sessions. */
  public java.util.List<Session> all() {
    return new java.util.ArrayList<>(byId.values());
  }

  /**
   * This node's open sessions in the event, as presence knows them, each saying whether its join is
   * still in flight (a scan of the node's sessions: it runs once per event per presence takeover).
   */
  public java.util.List<dev.podium.api.presence.ResyncBatch.Carried> ofEvent(
      String eventId, String nodeId) {
    java.util.List<dev.podium.api.presence.ResyncBatch.Carried> found = new java.util.ArrayList<>();
    for (Session s : byId.values()) {
      if (eventId.equals(s.eventId()) && s.open()) {
        found.add(
            new dev.podium.api.presence.ResyncBatch.Carried(
                new dev.podium.api.presence.Participant(
                    s.userId(),
                    s.identity().username(),
                    s.role(),
                    s.identity().verified(),
                    nodeId,
                    s.id()),
                !s.inPresence()));
      }
    }
    return found;
  }

  public int size() {
    return byId.size();
  }
}
