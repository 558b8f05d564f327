package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonObject;

/** Messages the gateway itself writes to one client. */
public final class ClientMessages {
  private ClientMessages() {
  }

  /** An error whose message is all there is to say: it is the details too (old pages show {@code details}). */
  public static String error(ErrorCode code, String message) {
    return error(code, message, null);
  }

  /** Every error carries {@code details}: the message stands in when there are none. */
  public static String error(ErrorCode code, String message, String details) {
    String text = message == null || message.isBlank() ? code.code().replace('_', ' ') : message;
    return new JsonObject().put("type", "error").put("code", code.code()).put("message", text)
        .put("details", details == null || details.isBlank() ? text : details)
        .encode();
  }
}
