package dev.podium.gateway.ws;

import dev.podium.api.protocol.ClientMessage;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.gateway.rates.MessageClass;

/**
 * A client message that passed {@link ClientMessageParser}: the record as the client sent it, and
 * the user id it names, checked ({@code target}): the user a stage action or an invitation acts on,
 * or a signal's {@code to}. Null when the message names nobody (a mute of oneself, a signal to the
 * whole room, a message without a target).
 */
record ClientRequest(ClientMessage message, String target) {

  /** The wire type as sent (aliases kept), for metrics and replies. */
  String type() {
    return ProtocolCodec.typeOf(message);
  }

  /** The budget the message is charged to; null for {@code leave_room}, which ends the socket. */
  MessageClass messageClass() {
    if (message instanceof ClientMessage.BroadcastMessage
        || message instanceof ClientMessage.Text) {
      return MessageClass.CHAT;
    }
    if (message instanceof ClientMessage.WebrtcOffer
        || message instanceof ClientMessage.WebrtcAnswer
        || message instanceof ClientMessage.IceCandidate) {
      return target == null ? MessageClass.SIGNAL_BROADCAST : MessageClass.SIGNAL_DIRECT;
    }
    if (message instanceof ClientMessage.RequestToSpeak
        || message instanceof ClientMessage.CancelRequest) {
      return MessageClass.SPEAK_REQUEST;
    }
    if (message instanceof ClientMessage.SendInvite) {
      return MessageClass.INVITE;
    }
    if (message instanceof ClientMessage.GetParticipants) {
      return MessageClass.PARTICIPANTS;
    }
    if (message instanceof ClientMessage.LeaveRoom) {
      return null;
    }
    return MessageClass.STAGE;
  }
}
