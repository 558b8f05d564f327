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

  public int size() {
    return byId.size();
  }
}
