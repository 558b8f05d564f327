package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;

/**
 * What a person who sees an error can do about it, in plain words, per code. Today's pages show
 * only an error's {@code details}, so an error without details of its own says this instead. The
 * switch has no default: a new code does not compile until it has its advice.
 */
final class ErrorAdvice {
  private ErrorAdvice() {}

  static String of(ErrorCode code) {
    return switch (code) {
      case TOKEN_MISSING -> "Add your sign-in token to the address (?token=...) and connect again.";
      case TOKEN_INVALID -> "Sign in again to get a valid token, then connect again.";
      case TOKEN_EXPIRED -> "Your sign-in has expired: sign in again, then connect again.";
      case USER_MISMATCH -> "Use the user id you signed in with in the address.";
      case USER_NOT_FOUND -> "Check the user id: only users the directory knows can go live.";
      case AUTH_UNAVAILABLE ->
          "Your sign-in could not be checked right now; try again in a moment.";
      case EVENT_NOT_FOUND -> "The event may have ended; ask the host for a current link.";
      case NOT_FOUND -> "Check the address: nothing is served there.";
      case NOT_HOST -> "Ask the host of the event to do it.";
      case USER_ID_IN_USE ->
          "Someone is already in this event with that user id; sign in to join as yourself.";
      case NOT_IN_ROOM -> "That user has to join this event first.";
      case NOT_INVITED -> "There is no co-host invitation to answer; ask the host to invite you.";
      case INVITE_EXPIRED ->
          "The invitation ran out before it was answered; ask the host to invite you again.";
      case ALREADY_COHOST -> "That person can already speak; nothing needs to change.";
      case NOT_COHOST -> "This is only for co-hosts, and that person is not one now.";
      case COHOST_LIMIT ->
          "The stage is full: a co-host has to step down before anyone else can join it.";
      case BANNED -> "The host removed you from this event, so you cannot join it again.";
      case USER_OFFLINE ->
          "That user is not in any live event right now; invite them when they are online.";
      case GUEST_CANNOT_SPEAK -> "Guests can only listen; sign in to speak or co-host.";
      case REPLACED -> "You opened this event in another tab or window; carry on there.";
      case EMPTY_MESSAGE -> "Type something before sending.";
      case MESSAGE_TOO_LONG -> "Shorten the message and send it again.";
      case RATE_LIMITED -> "You are sending too fast; wait a moment, then try again.";
      case BAD_JSON ->
          "Each text message must be one JSON object with a \"type\", for example "
              + "{\"type\":\"broadcast_message\",\"message\":\"hi\"}.";
      case UNKNOWN_TYPE ->
          "This server does not handle that message type; the protocol documentation lists the ones it does.";
      case BAD_REQUEST ->
          "Fix the message (a field is missing or has the wrong kind of value) and send it again.";
      case FRAME_TOO_LARGE -> "Send less at once: the message is larger than the server accepts.";
      case NOT_ALLOWED ->
          "Your role does not allow this now: to speak, ask the host to make you a co-host (or unmute yourself if you are one).";
      case SLOW_CONSUMER ->
          "Your connection could not keep up with the room; reconnect to catch up.";
      case TOO_MANY_CONNECTIONS -> "Close some of your other tabs or connections, then try again.";
      case IDLE_TIMEOUT -> "Nothing arrived from your side for too long; reconnect.";
      case HANDSHAKE_TIMEOUT -> "Connecting took too long; try again.";
      case SERVICE_UNAVAILABLE ->
          "Part of the service did not answer in time: wait a few seconds before trying again.";
      case INTERNAL ->
          "Something went wrong on the server; try again, and tell the operator if it keeps happening.";
      case FLOODING ->
          "Too many of your messages were refused in a short time; fix what was refused before reconnecting.";
      case INVALID_NAME -> "Choose a display name of 1 to 64 visible characters.";
      case INVALID_USER_ID ->
          "Use a user id of 1 to 128 visible characters that does not start with 'guest:'.";
      case ALREADY_RECORDING -> "The room is already being recorded; nothing needs to change.";
      case NOT_RECORDING -> "The room is not being recorded; start a recording first.";
      case OUTCOME_UNKNOWN ->
          "Watch the room's next messages to see whether it happened before trying again.";
    };
  }
}
