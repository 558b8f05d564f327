package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonObject;

/** Messages the gateway itself writes to one client. */
public final class ClientMessages {
  private ClientMessages() {
  }

  public static String error(ErrorCode code, String message) {
    return error(code, message, null);
  }

  public static String error(ErrorCode code, String message, String details) {
    JsonObject error = new JsonObject().put("type", "error").put("code", code.code()).put("message", message);
    if (details != null) {
      error.put("details", details);
    }
    return error.encode();
  }
}
