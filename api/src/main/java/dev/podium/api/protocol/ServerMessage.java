package dev.podium.api.protocol;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.podium.api.ErrorCode;
import java.util.List;

/**
 * Every JSON message a gateway writes to a client: one record per {@code type}, field names as on
 * the wire (camelCase components become snake_case through {@link ProtocolCodec}; absent fields are
 * null and omitted). docs/protocol.md ("Server to client") describes when each is sent; the golden
 * examples under {@code api/src/test/resources/protocol/server/} show each one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public sealed interface ServerMessage {

  // --- going live and entering a room --------------------------------------------------------

  /** First message after go-live: the join URL of the new (or resumed) event. */
  @JsonTypeName("stream_link")
  record StreamLink(String eventId, String joinUrl, boolean resumed) implements ServerMessage {}

  /**
   * The room as the joiner finds it. The event id is in {@code event.id}, never a top-level {@code
   * event_id}: today's host page takes any message with {@code event_id} for the stream link.
   * {@code speakRequests} only in the host's copy; {@code pendingInvite} only when true; {@code
   * recording} only while the room is being recorded (the joiner is told, for consent).
   */
  @JsonTypeName("room_state")
  record RoomState(
      EventRef event,
      UserRef host,
      String mode,
      List<CohostEntry> cohosts,
      List<SpeakRequestEntry> speakRequests,
      Boolean pendingInvite,
      You you,
      RecordingRef recording)
      implements ServerMessage {}

  @JsonTypeName("participant_list")
  record ParticipantList(List<ParticipantEntry> participants, int total, boolean truncated)
      implements ServerMessage {}

  @JsonTypeName("participant_count")
  record ParticipantCount(int count) implements ServerMessage {}

  @JsonTypeName("participant_page")
  record ParticipantPage(List<ParticipantEntry> participants, int offset, int limit, int total)
      implements ServerMessage {}

  @JsonTypeName("chat_history")
  record ChatHistory(List<ChatEntry> messages) implements ServerMessage {}

  @JsonTypeName("participant_joined")
  record ParticipantJoined(
      String message, String username, String userId, String role, String timestamp)
      implements ServerMessage {}

  /** {@code participant_id} and {@code user_id} are both the user id (old pages read either). */
  @JsonTypeName("participant_left")
  record ParticipantLeft(String participantId, String userId, String username, String message)
      implements ServerMessage {}

  // --- chat and notices ------------------------------------------------------------------------

  /** An accepted chat message; {@code id} counts up from 1 per event. */
  @JsonTypeName("message_broadcast")
  record MessageBroadcast(String message, String username, String userId, String timestamp, Long id)
      implements ServerMessage {}

  /** A system notice (the host page shows it). */
  @JsonTypeName("broadcast_message")
  record BroadcastMessage(String message) implements ServerMessage {}

  @JsonTypeName("invite_notification")
  record InviteNotification(String message, String fromUser, UserRef from, EventRef event)
      implements ServerMessage {}

  // --- the stage -------------------------------------------------------------------------------

  @JsonTypeName("cohost_invite")
  record CohostInvite(String message, UserRef from, long expiresIn) implements ServerMessage {}

  @JsonTypeName("cohost_invite_expired")
  record CohostInviteExpired(String participantId, String username, String message)
      implements ServerMessage {}

  @JsonTypeName("cohost_joined")
  record CohostJoined(String participantId, String username, String message)
      implements ServerMessage {}

  @JsonTypeName("cohost_rejected")
  record CohostRejected(String participantId, String username, String message)
      implements ServerMessage {}

  @JsonTypeName("cohost_left")
  record CohostLeft(String userId, String username, String message) implements ServerMessage {}

  @JsonTypeName("cohost_removed")
  record CohostRemoved(String participantId, String username, String message)
      implements ServerMessage {}

  @JsonTypeName("speak_request")
  record SpeakRequest(String participantId, String username) implements ServerMessage {}

  @JsonTypeName("speak_request_cancelled")
  record SpeakRequestCancelled(String participantId, String username) implements ServerMessage {}

  @JsonTypeName("speak_request_dismissed")
  record SpeakRequestDismissed(String message) implements ServerMessage {}

  /** {@code by}: the user id of who muted (the host or the co-host itself). */
  @JsonTypeName("muted")
  record Muted(String participantId, String by) implements ServerMessage {}

  @JsonTypeName("unmuted")
  record Unmuted(String participantId, String by) implements ServerMessage {}

  @JsonTypeName("removed")
  record Removed(String message) implements ServerMessage {}

  /**
   * {@code mode}: {@code "switching_to_audio"} or {@code "switching_to_screen_sharing"} (the old
   * names).
   */
  @JsonTypeName("stream_mode_changed")
  record StreamModeChanged(String mode, String message) implements ServerMessage {
    public static final String TO_AUDIO = "switching_to_audio";
    public static final String TO_SCREEN = "switching_to_screen_sharing";
  }

  @JsonTypeName("audio_streaming_started")
  record AudioStreamingStarted(String message) implements ServerMessage {}

  @JsonTypeName("screen_sharing_started")
  record ScreenSharingStarted(String message) implements ServerMessage {}

  /** The event ended; the event id is in {@code event.id} (see {@link RoomState}). */
  @JsonTypeName("stream_ended")
  record StreamEnded(EventRef event, String message) implements ServerMessage {}

  // --- recording -----------------------------------------------------------------------------

  /** The host started recording the room: everyone in it is told, and shown so (consent). */
  @JsonTypeName("recording_started")
  record RecordingStarted(String recordingId, String startedAt, String message)
      implements ServerMessage {}

  /** The host stopped recording (or the event ended while it was recorded). */
  @JsonTypeName("recording_stopped")
  record RecordingStopped(String recordingId, String startedAt, String stoppedAt, String message)
      implements ServerMessage {}

  // --- signalling --------------------------------------------------------------------------------

  /** Relayed as sent: {@code offer} is any JSON value; {@code to} only when the sender gave one. */
  @JsonTypeName("webrtc_offer")
  record WebrtcOffer(Object offer, String from, String username, String to)
      implements ServerMessage {}

  @JsonTypeName("webrtc_answer")
  record WebrtcAnswer(Object answer, String from, String username, String to)
      implements ServerMessage {}

  @JsonTypeName("ice_candidate")
  record IceCandidate(Object candidate, String from, String username, String to)
      implements ServerMessage {}

  // --- the rest
  // ------------------------------------------------------------------------------------

  /** The gateway is shutting down: reconnect after {@code after_ms}. */
  @JsonTypeName("reconnect")
  record Reconnect(long afterMs) implements ServerMessage {}

  @JsonTypeName("speaker_levels")
  record SpeakerLevels(List<Level> levels) implements ServerMessage {}

  @JsonTypeName("active_streams")
  record ActiveStreams(List<StreamSummary> streams) implements ServerMessage {}

  /** {@code details} is always present and never empty (today's pages show only that field). */
  @JsonTypeName("error")
  record ErrorMessage(ErrorCode code, String message, String details) implements ServerMessage {}

  // --- parts of messages
  // ---------------------------------------------------------------------------

  /** An event named inside a message: {@code {"id": ...}}. */
  record EventRef(String id) {}

  /** A recording in progress: its id and when it started (the recording's time zero). */
  record RecordingRef(String recordingId, String startedAt) {}

  /** A user as messages name them: {@code {user_id, username}}. */
  record UserRef(String userId, String username) {}

  record CohostEntry(String userId, String username, boolean muted) {}

  record SpeakRequestEntry(String participantId, String username) {}

  /** The joiner as the room sees it. */
  record You(String userId, String username, String role, boolean verified) {}

  /** One entry of {@code participant_list} and {@code participant_page}. */
  record ParticipantEntry(String userId, String username, boolean isCohost, String role) {}

  /**
   * A stored chat message as {@code chat_history} lists it ({@code type} is always {@code
   * "chat_message"}).
   */
  record ChatEntry(
      String type, Long id, String message, String username, String userId, String timestamp) {
    public static final String TYPE = "chat_message";
  }

  /** One line of {@code active_streams}; {@code mode} is {@code "audio"} or {@code "screen"}. */
  record StreamSummary(
      String eventId, UserRef host, String startedAt, String mode, int participantCount) {}

  /** A speaker's level, 0..1. */
  record Level(String userId, double level) {}
}
