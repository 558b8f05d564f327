package dev.podium.gateway.auth;

import dev.podium.api.ErrorCode;

/** A refused connection: the error code, a message for the user and details for the developer. */
public final class AuthFailure extends RuntimeException {
  private final ErrorCode code;
  private final String details;

  public AuthFailure(ErrorCode code, String message, String details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details;
  }

  public ErrorCode code() {
    return code;
  }

  public String details() {
    return details;
  }
}
