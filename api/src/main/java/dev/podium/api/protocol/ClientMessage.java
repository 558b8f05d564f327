package dev.podium.api.protocol;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Every JSON message a client may send to a gateway: one record per {@code type} (aliases are types
 * of their own), fields as on the wire. The gateway reads every text frame into one of these
 * ({@link ProtocolCodec#decodeClient}, which checks each field's kind: a {@code String} field takes
 * only a string, an {@code Integer} only a whole number, an {@code Object} any JSON value) and acts
 * on the record. Where two id fields are listed the gateway uses the first one present; user ids
 * arrive as strings or whole numbers, so they are kept as sent ({@code Object}) and checked by the
 * gateway, as is which fields are required. Fields the gateway ignores (sent by today's pages) are
 * {@code Object} too: ignored whatever they hold, so they never cause a refusal. docs/protocol.md
 * ("Client to server") describes each one; the golden examples under {@code
 * api/src/test/resources/protocol/client/} show each one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public sealed interface ClientMessage {

  // --- chat, lists, leaving ------------------------------------------------------------------

  /** Chat; today's pages send {@code message}, older clients {@code text}. */
  @JsonTypeName("broadcast_message")
  record BroadcastMessage(String message, String text) implements ClientMessage {
    /** The chat text: {@code message} when present, else {@code text}; null when neither is. */
    public String body() {
      return message != null ? message : text;
    }
  }

  /** Chat from older clients: as {@code broadcast_message}. */
  @JsonTypeName("text")
  record Text(String message, String text) implements ClientMessage {
    /** The chat text: {@code message} when present, else {@code text}; null when neither is. */
    public String body() {
      return message != null ? message : text;
    }
  }

  @JsonTypeName("get_participants")
  record GetParticipants(Integer offset, Integer limit) implements ClientMessage {
    public static final int DEFAULT_LIMIT = 50;
  }

  /** {@code participant_id} and {@code username} are sent by today's pages and ignored. */
  @JsonTypeName("leave_room")
  record LeaveRoom(Object participantId, Object username) implements ClientMessage {}

  // --- the stage (each one a room-service call) ------------------------------------------------

  /** The host ends its event; {@code event_id} is sent by today's host page and ignored. */
  @JsonTypeName("stream_ended")
  record StreamEnded(Object eventId) implements ClientMessage {}

  @JsonTypeName("invite_cohost")
  record InviteCohost(Object userId, Object participantId) implements ClientMessage {}

  @JsonTypeName("accept_cohost")
  record AcceptCohost() implements ClientMessage {}

  @JsonTypeName("cohost_reject")
  record CohostReject() implements ClientMessage {}

  /** Alias of {@code cohost_reject}. */
  @JsonTypeName("reject_cohost")
  record RejectCohost() implements ClientMessage {}

  /** {@code participant_id} is sent by today's pages and ignored. */
  @JsonTypeName("cohost_leave")
  record CohostLeave(Object participantId) implements ClientMessage {}

  /** {@code username} is sent by today's pages and ignored. */
  @JsonTypeName("remove_cohost")
  record RemoveCohost(Object participantId, Object userId, Object username)
      implements ClientMessage {}

  @JsonTypeName("request_to_speak")
  record RequestToSpeak() implements ClientMessage {}

  @JsonTypeName("cancel_request")
  record CancelRequest() implements ClientMessage {}

  @JsonTypeName("dismiss_request")
  record DismissRequest(Object participantId, Object userId) implements ClientMessage {}

  /** Both ids absent: the sender mutes itself. */
  @JsonTypeName("mute")
  record Mute(Object participantId, Object userId) implements ClientMessage {}

  @JsonTypeName("unmute")
  record Unmute(Object participantId, Object userId) implements ClientMessage {}

  @JsonTypeName("remove_participant")
  record RemoveParticipant(Object participantId, Object userId) implements ClientMessage {}

  /** {@code stream} is sent by today's host page ({@code "audio"}) and ignored. */
  @JsonTypeName("switching_to_audio")
  record SwitchingToAudio(Object stream) implements ClientMessage {}

  /** {@code stream} is sent by today's host page ({@code "screen"}) and ignored. */
  @JsonTypeName("switching_to_screen_sharing")
  record SwitchingToScreenSharing(Object stream) implements ClientMessage {}

  /** The host starts recording the room (everyone is told: {@code recording_started}). */
  @JsonTypeName("start_recording")
  record StartRecording() implements ClientMessage {}

  /** The host stops recording the room ({@code recording_stopped}). */
  @JsonTypeName("stop_recording")
  record StopRecording() implements ClientMessage {}

  // --- signalling and invitations (the gateway alone) --------------------------------------------

  /**
   * {@code offer}: any JSON value, relayed as sent; {@code to}: one user, or absent for the room.
   */
  @JsonTypeName("webrtc_offer")
  record WebrtcOffer(Object offer, Object to) implements ClientMessage {}

  @JsonTypeName("webrtc_answer")
  record WebrtcAnswer(Object answer, Object to) implements ClientMessage {}

  @JsonTypeName("ice_candidate")
  record IceCandidate(Object candidate, Object to) implements ClientMessage {}

  @JsonTypeName("send_invite")
  record SendInvite(Object userId, Object participantId) implements ClientMessage {}
}
