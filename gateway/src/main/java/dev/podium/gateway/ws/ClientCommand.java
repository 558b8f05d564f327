package dev.podium.gateway.ws;

import dev.podium.gateway.rates.MessageClass;

/**
 * A client message that passed {@link ClientMessageParser}: the fields the gateway acts on, each
 * checked. {@link #type()} is the wire type as sent (aliases kept, for metrics and replies).
 */
sealed interface ClientCommand {
  String type();

  /** The budget the message is charged to; null for {@code leave_room}, which ends the socket. */
  MessageClass messageClass();

  /** {@code broadcast_message} (or the older {@code text}). */
  record Chat(String type, String body) implements ClientCommand {
    @Override
    public MessageClass messageClass() {
      return MessageClass.CHAT;
    }
  }

  /**
   * {@code webrtc_offer}/{@code webrtc_answer}/{@code ice_candidate}: the payload is relayed as
   * sent; {@code to} null means the whole room.
   */
  record Signal(String type, String payloadField, Object payload, String to) implements ClientCommand {
    @Override
    public MessageClass messageClass() {
      return to == null ? MessageClass.SIGNAL_BROADCAST : MessageClass.SIGNAL_DIRECT;
    }
  }

  /**
   * A room-service operation. {@code target} is the user acted on: required for
   * {@code invite_cohost}, {@code remove_cohost}, {@code dismiss_request}, {@code remove_participant};
   * optional for {@code mute}/{@code unmute} (null: the sender); null for the rest.
   */
  record StageAction(String type, String target) implements ClientCommand {
    @Override
    public MessageClass messageClass() {
      return "request_to_speak".equals(type) || "cancel_request".equals(type)
          ? MessageClass.SPEAK_REQUEST : MessageClass.STAGE;
    }
  }

  /** {@code send_invite}: an invitation notice to another user. */
  record SendInvite(String target) implements ClientCommand {
    @Override
    public String type() {
      return "send_invite";
    }

    @Override
    public MessageClass messageClass() {
      return MessageClass.INVITE;
    }
  }

  /** {@code get_participants}: one page of the participant list. */
  record GetParticipants(int offset, int limit) implements ClientCommand {
    @Override
    public String type() {
      return "get_participants";
    }

    @Override
    public MessageClass messageClass() {
      return MessageClass.PARTICIPANTS;
    }
  }

  /** {@code leave_room}. */
  record Leave() implements ClientCommand {
    @Override
    public String type() {
      return "leave_room";
    }

    @Override
    public MessageClass messageClass() {
      return null;
    }
  }
}
