package dev.podium.gateway.ws;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.Optional;

/** This node's open sessions by id (on every event loop), so that control messages can reach one socket. */
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
   * This node's sessions in the event whose join presence acknowledged, as presence knows them
   * (a scan of the node's sessions: it runs once per event per presence takeover).
   */
  public java.util.List<dev.podium.api.presence.Participant> inPresence(String eventId, String nodeId) {
    java.util.List<dev.podium.api.presence.Participant> found = new java.util.ArrayList<>();
    for (Session s : byId.values()) {
      if (eventId.equals(s.eventId()) && s.inPresence()) {
        found.add(new dev.podium.api.presence.Participant(s.userId(), s.identity().username(), s.role(),
            s.identity().verified(), nodeId, s.id()));
      }
    }
    return found;
  }

  public int size() {
    return byId.size();
  }
}
