package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Turns a text frame into a {@link ClientCommand} or a {@link BadRequest}, and nothing else: a
 * pure function of the text and two size limits, with no Vert.x instance, so any string can be
 * thrown at it in a test. Wire shapes are those of {@code docs/protocol.md}.
 */
final class ClientMessageParser {
  private static final Set<String> TARGETLESS = Set.of("stream_ended", "accept_cohost", "cohost_reject",
      "reject_cohost", "cohost_leave", "request_to_speak", "cancel_request", "switching_to_audio",
      "switching_to_screen_sharing");

  private final int maxTextBytes;
  private final int maxBroadcastSignalBytes;

  /**
   * @param maxTextBytes            largest text message
   * @param maxBroadcastSignalBytes largest signalling message without {@code to} (the whole room gets it)
   */
  ClientMessageParser(int maxTextBytes, int maxBroadcastSignalBytes) {
    this.maxTextBytes = maxTextBytes;
    this.maxBroadcastSignalBytes = maxBroadcastSignalBytes;
  }

  ClientCommand parse(String text) {
    if (text == null) {
      throw new BadRequest(ErrorCode.BAD_JSON, "The message is empty", "a text frame holding a JSON object was expected");
    }
    // A UTF-8 byte is at least a quarter of a char's worth: only long texts need counting.
    int bytes = text.length() > maxTextBytes / 4 ? text.getBytes(StandardCharsets.UTF_8).length : -1;
    if (bytes > maxTextBytes) {
      throw new BadRequest(ErrorCode.FRAME_TOO_LARGE, "Text messages are limited to " + maxTextBytes + " bytes",
          "this message has " + bytes + " bytes");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new BadRequest(ErrorCode.BAD_JSON, "The message is not valid JSON",
          "a text frame must hold one JSON object such as {\"type\":\"get_participants\"}");
    }
    if (!(parsed instanceof JsonObject msg)) {
      throw new BadRequest(ErrorCode.BAD_JSON, "The message must be a JSON object",
          "got a JSON " + (parsed == null ? "null" : parsed.getClass().getSimpleName()));
    }
    String type = BadRequest.requireString(msg, "type");
    switch (type) {
      case "broadcast_message", "text" -> {
        // Today's pages send {message}; older clients sent {text}.
        String body = msg.containsKey("message") || !msg.containsKey("text")
            ? BadRequest.requireString(msg, "message")
            : BadRequest.requireString(msg, "text");
        return new ClientCommand.Chat(type, body);
      }
      case "webrtc_offer" -> {
        return signal(msg, type, "offer", text, bytes);
      }
      case "webrtc_answer" -> {
        return signal(msg, type, "answer", text, bytes);
      }
      case "ice_candidate" -> {
        return signal(msg, type, "candidate", text, bytes);
      }
      case "invite_cohost", "send_invite" -> {
        String target = BadRequest.requireIdOf(msg, "user_id", "participant_id");
        return "send_invite".equals(type) ? new ClientCommand.SendInvite(target) : new ClientCommand.StageAction(type, target);
      }
      case "remove_cohost", "dismiss_request", "remove_participant" -> {
        return new ClientCommand.StageAction(type, BadRequest.requireIdOf(msg, "participant_id", "user_id"));
      }
      case "mute", "unmute" -> {
        // participant_id when given, otherwise the sender (a co-host muting themselves).
        String target = msg.getValue("participant_id") == null && msg.getValue("user_id") == null
            ? null : BadRequest.requireIdOf(msg, "participant_id", "user_id");
        return new ClientCommand.StageAction(type, target);
      }
      case "leave_room" -> {
        return new ClientCommand.Leave();
      }
      case "get_participants" -> {
        return new ClientCommand.GetParticipants(BadRequest.optionalInt(msg, "offset", 0),
            BadRequest.optionalInt(msg, "limit", 50));
      }
      default -> {
        if (TARGETLESS.contains(type)) {
          return new ClientCommand.StageAction(type, null);
        }
        throw new BadRequest(ErrorCode.UNKNOWN_TYPE, "Unknown message type '" + abbreviate(type) + "'",
            "see docs/protocol.md for the messages a client may send");
      }
    }
  }

  private ClientCommand.Signal signal(JsonObject msg, String type, String payloadField, String text, int knownBytes) {
    if (msg.getValue(payloadField) == null) {
      throw new BadRequest(ErrorCode.BAD_REQUEST, "Field '" + payloadField + "' is required",
          type + " carries the WebRTC " + payloadField + " in '" + payloadField + "'");
    }
    String to = msg.getValue("to") == null ? null : BadRequest.requireId(msg, "to");
    if (to == null) {
      int bytes = knownBytes >= 0 ? knownBytes : text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBroadcastSignalBytes) {
        throw new BadRequest(ErrorCode.FRAME_TOO_LARGE,
            "Signalling for the whole room is limited to " + maxBroadcastSignalBytes + " bytes",
            "this " + type + " has " + bytes + " bytes and no 'to'; address it to one user with 'to'");
      }
    }
    return new ClientCommand.Signal(type, payloadField, msg.getValue(payloadField), to);
  }

  /** Echoes at most 64 characters of what the client sent. */
  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
