package dev.podium.api;

import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;

/**
 * The error codes clients see in {@code {"type":"error","code":...}}. Services fail with a {@link
 * ServiceException} built by {@link #exception(String)}; the gateway turns it back into the code
 * with {@link #of(Throwable)}.
 */
public enum ErrorCode {
  TOKEN_MISSING("token_missing", 4001),
  TOKEN_INVALID("token_invalid", 4001),
  TOKEN_EXPIRED("token_expired", 4001),
  USER_MISMATCH("user_mismatch", 4003),
  USER_NOT_FOUND("user_not_found", 4003),
  AUTH_UNAVAILABLE("auth_unavailable", 4503),
  EVENT_NOT_FOUND("event_not_found", 4004),
  NOT_FOUND("not_found", 4004),
  NOT_HOST("not_host", 4003),
  USER_ID_IN_USE("user_id_in_use", 4003),
  NOT_IN_ROOM("not_in_room", 0),
  NOT_INVITED("not_invited", 0),
  INVITE_EXPIRED("invite_expired", 0),
  ALREADY_COHOST("already_cohost", 0),
  NOT_COHOST("not_cohost", 0),
  COHOST_LIMIT("cohost_limit", 0),
  BANNED("banned", 4003),
  USER_OFFLINE("user_offline", 0),
  GUEST_CANNOT_SPEAK("guest_cannot_speak", 0),
  REPLACED("replaced", 4009),
  EMPTY_MESSAGE("empty_message", 0),
  MESSAGE_TOO_LONG("message_too_long", 0),
  RATE_LIMITED("rate_limited", 0),
  BAD_JSON("bad_json", 0),
  UNKNOWN_TYPE("unknown_type", 0),
  BAD_REQUEST("bad_request", 0),
  FRAME_TOO_LARGE("frame_too_large", 0),
  NOT_ALLOWED("not_allowed", 0),
  SLOW_CONSUMER("slow_consumer", 4008),
  /** Edge limits: too many sockets from one address or for one user (close 4029, like HTTP 429). */
  TOO_MANY_CONNECTIONS("too_many_connections", 4029),
  /**
   * A socket that sent nothing, not even a pong, for the idle timeout (close 4408, like HTTP 408).
   */
  IDLE_TIMEOUT("idle_timeout", 4408),
  /** A WebSocket admission (token check, room-service calls) that did not finish in time. */
  HANDSHAKE_TIMEOUT("handshake_timeout", 4408),
  SERVICE_UNAVAILABLE("service_unavailable", 4503),
  INTERNAL("internal", 4500),
  /** Refused too many messages in a row (per-user message rates): the socket is closed. */
  FLOODING("flooding", 4029),
  /**
   * A display name that cannot be shown (control, bidi or invisible characters, blank, too long).
   */
  INVALID_NAME("invalid_name", 4400),
  /** A user id with control characters or an absurd length, or in the guests' namespace. */
  INVALID_USER_ID("invalid_user_id", 4400),
  /** {@code start_recording} while the room is already being recorded. */
  ALREADY_RECORDING("already_recording", 0),
  /** {@code stop_recording} while the room is not being recorded. */
  NOT_RECORDING("not_recording", 0),
  /**
   * A request that may change something was sent but not answered in time: it may or may not have
   * taken effect (the room's own messages show which). Never closes a socket. Added last: a
   * service's failure code is its ordinal, and older members must read the others unchanged.
   */
  OUTCOME_UNKNOWN("outcome_unknown", 0);

  /** Base of the numeric failure codes carried by {@link ServiceException}. */
  private static final int FAILURE_CODE_BASE = 4000;

  private final String code;
  private final int closeCode;

  ErrorCode(String code, int closeCode) {
    this.code = code;
    this.closeCode = closeCode;
  }

  /** The wire string, e.g. {@code "not_host"}. */
  public String code() {
    return code;
  }

  /** The WebSocket close code used when this error ends a connection (0: it never does). */
  public int closeCode() {
    return closeCode;
  }

  public ServiceException exception(String message) {
    return new ServiceException(
        FAILURE_CODE_BASE + ordinal(), message, new JsonObject().put("code", code));
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return INTERNAL;
  }

  /**
   * The code a failure stands for: the one a service attached, {@link #SERVICE_UNAVAILABLE} for an
   * event-bus timeout or a missing consumer, {@link #INTERNAL} for anything else. It never gives
   * {@link #OUTCOME_UNKNOWN} (that is {@code service_unavailable} here): callers that admit, read
   * or close need only know that the service did not do it for them now; {@link #ofChange} tells a
   * client whose change may have happened.
   */
  public static ErrorCode of(Throwable failure) {
    ErrorCode code = attached(failure);
    return code == OUTCOME_UNKNOWN ? SERVICE_UNAVAILABLE : code;
  }

  /**
   * The code a failed request that changes something stands for: as {@link #of}, except that a
   * request sent and not answered in time (here, or by the owner a service forwarded it to) is
   * {@link #OUTCOME_UNKNOWN}. It may have been applied just before the time ran out, with its
   * answer still on the way; "unavailable, try again" would then tell the client something false.
   */
  public static ErrorCode ofChange(Throwable failure) {
    if (failure instanceof io.vertx.core.eventbus.ReplyException re
        && re.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
      return OUTCOME_UNKNOWN;
    }
    return attached(failure);
  }

  private static ErrorCode attached(Throwable failure) {
    if (failure instanceof ServiceException se) {
      JsonObject debug = se.getDebugInfo();
      if (debug != null && debug.getString("code") != null) {
        return fromCode(debug.getString("code"));
      }
      int index = se.failureCode() - FAILURE_CODE_BASE;
      if (index >= 0 && index < values().length) {
        return values()[index];
      }
    }
    if (failure instanceof io.vertx.core.eventbus.ReplyException re) {
      switch (re.failureType()) {
        case TIMEOUT:
        case NO_HANDLERS:
          return SERVICE_UNAVAILABLE;
        default:
          return INTERNAL;
      }
    }
    return INTERNAL;
  }
}
