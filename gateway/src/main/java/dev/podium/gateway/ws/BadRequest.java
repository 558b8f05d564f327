package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonObject;

/** A client message that cannot be acted on; becomes an {@code error} reply, the socket lives on. */
final class BadRequest extends RuntimeException {
  private final ErrorCode code;
  private final String details;

  BadRequest(ErrorCode code, String message) {
    this(code, message, null);
  }

  BadRequest(ErrorCode code, String message, String details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details;
  }

  ErrorCode code() {
    return code;
  }

  /** The error's {@code details} (old pages show this field): the given ones, else the message and what to do. */
  String details() {
    return ClientMessages.details(code, getMessage(), details);
  }

  static String requireString(JsonObject msg, String field) {
    Object value = msg.getValue(field);
    if (!(value instanceof String s)) {
      throw new BadRequest(ErrorCode.BAD_REQUEST,
          value == null ? "Field '" + field + "' is required" : "Field '" + field + "' must be a string");
    }
    return s;
  }

  /** A user id: clients send them as strings or as whole numbers (exact in a double). */
  static String requireId(JsonObject msg, String field) {
    Object value = msg.getValue(field);
    if (value instanceof String s && !s.isBlank()) {
      java.util.Optional<String> problem = dev.podium.gateway.auth.UserIds.problem(s);
      if (problem.isPresent()) {
        throw new BadRequest(ErrorCode.BAD_REQUEST, "Field '" + field + "' is not a valid user id", problem.get());
      }
      return s;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) <= 9_007_199_254_740_992d) {
      return String.valueOf(n.longValue());
    }
    throw new BadRequest(ErrorCode.BAD_REQUEST,
        value == null ? "Field '" + field + "' is required" : "Field '" + field + "' must be a user id");
  }

  /** The first of these fields that is present, as a user id. */
  static String requireIdOf(JsonObject msg, String... fields) {
    for (String field : fields) {
      if (msg.getValue(field) != null) {
        return requireId(msg, field);
      }
    }
    return requireId(msg, fields[0]);
  }

  static int optionalInt(JsonObject msg, String field, int fallback) {
    Object value = msg.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
      throw new BadRequest(ErrorCode.BAD_REQUEST, "Field '" + field + "' must be a whole number");
    }
    return n.intValue();
  }
}
