package dev.podium.api;

import io.vertx.core.json.JsonObject;

/**
 * What another service asks of one session on a gateway node, sent to that node's {@link
 * Addresses#gatewayControl} address (today by presence). The one place these bodies are written
 * ({@link #toJson()}) and read ({@link #fromJson}): {@code {action: "close_session", session_id,
 * code, message}} or {@code {action: "deliver", session_id, message}}.
 */
public sealed interface GatewayControl {

  /** The session it is for: the gateway's id of one socket. */
  String sessionId();

  /** The event-bus body. */
  JsonObject toJson();

  /**
   * Sends {@code error} with this code and message to the session, then closes it with the code's
   * close code (a newer connection of the same user replaced it).
   */
  record CloseSession(String sessionId, ErrorCode code, String message) implements GatewayControl {
    static final String ACTION = "close_session";

    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("action", ACTION)
          .put("session_id", sessionId)
          .put("code", code.code())
          .put("message", message);
    }
  }

  /** Writes {@code message} (a client message, as JSON) to the session ({@code send_invite}). */
  record Deliver(String sessionId, JsonObject message) implements GatewayControl {
    static final String ACTION = "deliver";

    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("action", ACTION)
          .put("session_id", sessionId)
          .put("message", message);
    }
  }

  /**
   * Reads a body back. An unknown code is {@link ErrorCode#INTERNAL}, as {@link ErrorCode#fromCode}
   * reads one; anything else amiss is refused.
   *
   * @throws IllegalArgumentException naming what is wrong: not an object, an unknown or missing
   *     {@code action}, no {@code session_id}, a {@code deliver} without a {@code message} object,
   *     a field of the wrong kind
   */
  static GatewayControl fromJson(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException(
          "a control message is a JSON object, not "
              + (body == null ? "null" : body.getClass().getSimpleName()));
    }
    Object action = json.getValue("action");
    if (!(json.getValue("session_id") instanceof String sessionId) || sessionId.isEmpty()) {
      throw new IllegalArgumentException("no session_id in control action " + action);
    }
    if (CloseSession.ACTION.equals(action)) {
      Object code = json.getValue("code");
      Object message = json.getValue("message");
      if (code != null && !(code instanceof String)
          || message != null && !(message instanceof String)) {
        throw new IllegalArgumentException("close_session's code and message are strings");
      }
      return new CloseSession(sessionId, ErrorCode.fromCode((String) code), (String) message);
    }
    if (Deliver.ACTION.equals(action)) {
      if (!(json.getValue("message") instanceof JsonObject message)) {
        throw new IllegalArgumentException("deliver without a message object");
      }
      return new Deliver(sessionId, message);
    }
    throw new IllegalArgumentException("unknown control action " + action);
  }
}
