package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;

/**
 * A client message that cannot be acted on; becomes an {@code error} reply, the socket lives on.
 */
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

  /**
   * The error's {@code details} (old pages show this field): the given ones, else the message and
   * what to do.
   */
  String details() {
    return ClientMessages.details(code, getMessage(), details);
  }

  /** A user id: clients send them as strings or as whole numbers (exact in a double). */
  static String requireId(String field, Object value) {
    if (value instanceof String s && !s.isBlank()) {
      java.util.Optional<String> problem = dev.podium.gateway.auth.UserIds.problem(s);
      if (problem.isPresent()) {
        throw new BadRequest(
            ErrorCode.BAD_REQUEST, "Field '" + field + "' is not a valid user id", problem.get());
      }
      return s;
    }
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) <= 9_007_199_254_740_992d) {
      return String.valueOf(n.longValue());
    }
    throw new BadRequest(
        ErrorCode.BAD_REQUEST,
        value == null
            ? "Field '" + field + "' is required"
            : "Field '" + field + "' must be a user id");
  }

  /**
   * The first of two id fields that is present (not null), as a user id; neither: the first is
   * required.
   */
  static String requireIdOf(String field, Object value, String otherField, Object otherValue) {
    return value == null && otherValue != null
        ? requireId(otherField, otherValue)
        : requireId(field, value);
  }
}
