package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonObject;

/** A client message that cannot be acted on; becomes an {@code error} reply, the socket lives on. */
final class BadRequest extends RuntimeException {
  private final ErrorCode code;

  BadRequest(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }

  static String requireString(JsonObject msg, String field) {
    Object value = msg.getValue(field);
    if (!(value instanceof String s)) {
      throw new BadRequest(ErrorCode.BAD_REQUEST,
          value == null ? "Field '" + field + "' is required" : "Field '" + field + "' must be a string");
    }
    return s;
  }

  /** A user id: clients send them as strings or as numbers. */
  static String requireId(JsonObject msg, String field) {
    Object value = msg.getValue(field);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
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
