package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import dev.podium.api.protocol.ClientMessage;
import dev.podium.api.protocol.ClientMessageException;
import dev.podium.api.protocol.ProtocolCodec;
import java.nio.charset.StandardCharsets;

/**
 * Turns a text frame into a {@link ClientRequest} or a {@link BadRequest}, and nothing else: a pure
 * function of the text and two size limits, with no Vert.x instance, so any string can be thrown at
 * it in a test. The codec reads the frame into its {@link ClientMessage} record (JSON, type, the
 * kind of each field); this class words the codec's refusals and checks what the record cannot say:
 * the size limits, required fields, and user ids. Wire shapes are those of {@code
 * docs/protocol.md}.
 */
final class ClientMessageParser {
  private final int maxTextBytes;
  private final int maxBroadcastSignalBytes;

  /**
   * @param maxTextBytes largest text message
   * @param maxBroadcastSignalBytes largest signalling message without {@code to} (the whole room
   *     gets it)
   */
  ClientMessageParser(int maxTextBytes, int maxBroadcastSignalBytes) {
    this.maxTextBytes = maxTextBytes;
    this.maxBroadcastSignalBytes = maxBroadcastSignalBytes;
  }

  ClientRequest parse(String text) {
    if (text == null) {
      throw new BadRequest(
          ErrorCode.BAD_JSON,
          "The message is empty",
          "a text frame holding a JSON object was expected");
    }
    // A UTF-8 byte is at least a quarter of a char's worth: only long texts need counting.
    int bytes =
        text.length() > maxTextBytes / 4 ? text.getBytes(StandardCharsets.UTF_8).length : -1;
    if (bytes > maxTextBytes) {
      throw new BadRequest(
          ErrorCode.FRAME_TOO_LARGE,
          "Text messages are limited to " + maxTextBytes + " bytes",
          "this message has " + bytes + " bytes");
    }
    ClientMessage message;
    try {
      message = ProtocolCodec.decodeClient(text);
    } catch (ClientMessageException e) {
      throw refusal(e);
    }
    return check(message, text, bytes);
  }

  /**
   * The fields each message needs, and the user id it names, in the order they were always checked.
   */
  private ClientRequest check(ClientMessage message, String text, int knownBytes) {
    if (message instanceof ClientMessage.BroadcastMessage m) {
      requireBody(m.body());
    } else if (message instanceof ClientMessage.Text m) {
      requireBody(m.body());
    } else if (message instanceof ClientMessage.WebrtcOffer m) {
      return signal(m, "webrtc_offer", "offer", m.offer(), m.to(), text, knownBytes);
    } else if (message instanceof ClientMessage.WebrtcAnswer m) {
      return signal(m, "webrtc_answer", "answer", m.answer(), m.to(), text, knownBytes);
    } else if (message instanceof ClientMessage.IceCandidate m) {
      return signal(m, "ice_candidate", "candidate", m.candidate(), m.to(), text, knownBytes);
    } else if (message instanceof ClientMessage.InviteCohost m) {
      return new ClientRequest(
          m, BadRequest.requireIdOf("user_id", m.userId(), "participant_id", m.participantId()));
    } else if (message instanceof ClientMessage.SendInvite m) {
      return new ClientRequest(
          m, BadRequest.requireIdOf("user_id", m.userId(), "participant_id", m.participantId()));
    } else if (message instanceof ClientMessage.RemoveCohost m) {
      return new ClientRequest(
          m, BadRequest.requireIdOf("participant_id", m.participantId(), "user_id", m.userId()));
    } else if (message instanceof ClientMessage.DismissRequest m) {
      return new ClientRequest(
          m, BadRequest.requireIdOf("participant_id", m.participantId(), "user_id", m.userId()));
    } else if (message instanceof ClientMessage.RemoveParticipant m) {
      return new ClientRequest(
          m, BadRequest.requireIdOf("participant_id", m.participantId(), "user_id", m.userId()));
    } else if (message instanceof ClientMessage.Mute m) {
      return new ClientRequest(m, optionalTarget(m.participantId(), m.userId()));
    } else if (message instanceof ClientMessage.Unmute m) {
      return new ClientRequest(m, optionalTarget(m.participantId(), m.userId()));
    }
    return new ClientRequest(message, null);
  }

  private static void requireBody(String body) {
    if (body == null) {
      throw new BadRequest(ErrorCode.BAD_REQUEST, "Field 'message' is required");
    }
  }

  /**
   * {@code participant_id} (or {@code user_id}) when given, otherwise the sender: a co-host muting
   * themselves.
   */
  private static String optionalTarget(Object participantId, Object userId) {
    return participantId == null && userId == null
        ? null
        : BadRequest.requireIdOf("participant_id", participantId, "user_id", userId);
  }

  private ClientRequest signal(
      ClientMessage message,
      String type,
      String payloadField,
      Object payload,
      Object toValue,
      String text,
      int knownBytes) {
    if (payload == null) {
      throw new BadRequest(
          ErrorCode.BAD_REQUEST,
          "Field '" + payloadField + "' is required",
          type + " carries the WebRTC " + payloadField + " in '" + payloadField + "'");
    }
    String to = toValue == null ? null : BadRequest.requireId("to", toValue);
    if (to == null) {
      int bytes = knownBytes >= 0 ? knownBytes : text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBroadcastSignalBytes) {
        throw new BadRequest(
            ErrorCode.FRAME_TOO_LARGE,
            "Signalling for the whole room is limited to " + maxBroadcastSignalBytes + " bytes",
            "this "
                + type
                + " has "
                + bytes
                + " bytes and no 'to'; address it to one user with 'to'");
      }
    }
    return new ClientRequest(message, to);
  }

  /** The codec's refusal in the words clients have always been sent. */
  private static BadRequest refusal(ClientMessageException e) {
    return switch (e.problem()) {
      case NOT_JSON ->
          new BadRequest(
              ErrorCode.BAD_JSON,
              "The message is not valid JSON",
              "a text frame must hold one JSON object such as {\"type\":\"get_participants\"}");
      case NOT_AN_OBJECT ->
          new BadRequest(
              ErrorCode.BAD_JSON, "The message must be a JSON object", "got a JSON " + e.value());
      case MISSING_TYPE ->
          new BadRequest(ErrorCode.BAD_REQUEST, "Field '" + e.field() + "' is required");
      case WRONG_KIND ->
          new BadRequest(
              ErrorCode.BAD_REQUEST,
              "Field '"
                  + e.field()
                  + "' must be "
                  + (e.expected() == ClientMessageException.Kind.STRING
                      ? "a string"
                      : "a whole number"));
      case UNKNOWN_TYPE ->
          new BadRequest(
              ErrorCode.UNKNOWN_TYPE,
              "Unknown message type '" + abbreviate(e.value()) + "'",
              "see docs/protocol.md for the messages a client may send");
    };
  }

  /** Echoes at most 64 characters of what the client sent. */
  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
