package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;

/** Messages the gateway itself writes to one client. */
public final class ClientMessages {
  private ClientMessages() {}

  /** An error with nothing to add to its message: the details say what was wrong and what to do. */
  public static String error(ErrorCode code, String message) {
    return error(code, message, null);
  }

  /**
   * The one place {@code error} is built. Every error carries a non-empty {@code details}, since
   * today's pages show only that field: the given details, or else the message followed by the
   * code's {@link ErrorAdvice advice}.
   */
  public static String error(ErrorCode code, String message, String details) {
    String text = message == null || message.isBlank() ? ErrorAdvice.of(code) : message;
    return ProtocolCodec.encode(
        new ServerMessage.ErrorMessage(code, text, details(code, message, details)));
  }

  /** The {@code details} an error is sent with (never blank). */
  static String details(ErrorCode code, String message, String details) {
    if (details != null && !details.isBlank()) {
      return details;
    }
    String advice = ErrorAdvice.of(code);
    return message == null || message.isBlank() ? advice : sentence(message) + " " + advice;
  }

  private static String sentence(String text) {
    String trimmed = text.strip();
    char last = trimmed.charAt(trimmed.length() - 1);
    return last == '.' || last == '!' || last == '?' ? trimmed : trimmed + ".";
  }
}
