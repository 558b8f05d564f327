package dev.podium.api.presence;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonObject;

/**
 * One user's presence in one event: who they are, their role, and which socket on which gateway
 * node carries them.
 */
@DataObject
public final class Participant {
  public static final String ROLE_HOST = "host";
  public static final String ROLE_COHOST = "cohost";
  public static final String ROLE_LISTENER = "listener";

  private final String userId;
  private final String username;
  private final String role;
  private final boolean verified;
  private final String nodeId;
  private final String sessionId;

  public Participant(
      String userId,
      String username,
      String role,
      boolean verified,
      String nodeId,
      String sessionId) {
    this.userId = userId;
    this.username = username;
    this.role = role;
    this.verified = verified;
    this.nodeId = nodeId;
    this.sessionId = sessionId;
  }

  public Participant(JsonObject json) {
    this(
        json.getString("user_id"),
        json.getString("username"),
        json.getString("role", ROLE_LISTENER),
        json.getBoolean("verified", false),
        json.getString("node_id"),
        json.getString("session_id"));
  }

  public String userId() {
    return userId;
  }

  public String username() {
    return username;
  }

  public String role() {
    return role;
  }

  public boolean verified() {
    return verified;
  }

  public String nodeId() {
    return nodeId;
  }

  public String sessionId() {
    return sessionId;
  }

  public boolean isHost() {
    return ROLE_HOST.equals(role);
  }

  /** The same participant carried by another socket. */
  public Participant withConnection(String newNodeId, String newSessionId) {
    return new Participant(userId, username, role, verified, newNodeId, newSessionId);
  }

  public Participant withRole(String newRole) {
    return new Participant(userId, username, newRole, verified, nodeId, sessionId);
  }

  /** Host or co-host: someone whose absence the room-service times. */
  public boolean isSpeaker() {
    return ROLE_HOST.equals(role) || ROLE_COHOST.equals(role);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("user_id", userId)
        .put("username", username)
        .put("role", role)
        .put("verified", verified)
        .put("node_id", nodeId)
        .put("session_id", sessionId);
  }

  /** The entry clients see in {@code participant_list}. */
  /** This participant as {@code participant_list} and {@code participant_page} show it. */
  public dev.podium.api.protocol.ServerMessage.ParticipantEntry listEntry() {
    return new dev.podium.api.protocol.ServerMessage.ParticipantEntry(
        userId, username, ROLE_COHOST.equals(role), role);
  }

  public JsonObject toListEntry() {
    return new JsonObject()
        .put("user_id", userId)
        .put("username", username)
        .put("is_cohost", ROLE_COHOST.equals(role))
        .put("role", role);
  }
}
