package dev.podium.gateway.rates;

/**
 * Client messages grouped by what they cost others: each class has its own bucket per user, so a
 * burst of ICE candidates never eats into chat, nor a flood of invitations into signalling.
 */
public enum MessageClass {
  /**
   * {@code webrtc_offer}/{@code webrtc_answer}/{@code ice_candidate} to one user ({@code to} set).
   */
  SIGNAL_DIRECT("SIGNAL"),
  /** The same without {@code to}: relayed to the whole room, so it has its own lower rate. */
  SIGNAL_BROADCAST("SIGNAL_BROADCAST"),
  /** {@code request_to_speak}, {@code cancel_request}: each one reaches the host. */
  SPEAK_REQUEST("SPEAK_REQUEST"),
  /** {@code send_invite}: a notification to another user. */
  INVITE("INVITE"),
  /**
   * Stage changes that cost a room-service call and usually a room message: {@code invite_cohost},
   * answers to it, mute/unmute, removals, dismissals, mode switches, {@code stream_ended}.
   */
  STAGE("STAGE"),
  /** {@code get_participants}: a presence query per page. */
  PARTICIPANTS("PARTICIPANTS"),
  /** Chat ({@code broadcast_message}); the chat-service keeps its own, usually stricter, limit. */
  CHAT("CHAT");

  private final String settingName;

  MessageClass(String settingName) {
    this.settingName = settingName;
  }

  /**
   * {@code PODIUM_RATE_<name>_PER_MIN} and {@code PODIUM_RATE_<name>_BURST} set this class's rate.
   */
  public String settingName() {
    return settingName;
  }
}
