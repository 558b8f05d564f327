package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import dev.podium.api.chat.ChatService;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.protocol.ClientMessage;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.api.room.RoomService;
import dev.podium.gateway.rates.MessageClass;
import dev.podium.gateway.rates.MessageLimits;
import dev.podium.gateway.rates.MessageRates;
import dev.podium.gateway.rates.Rate;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client in a room may send, and where each message goes. Every bad input becomes one {@code
 * error} reply; the socket and the room carry on.
 */
final class RoomMessageHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RoomMessageHandler.class);

  private final ClientMessageParser parser;
  private final MessageRates rates;
  private final RoomService rooms;
  private final ChatService chat;
  private final PresenceService presence;
  private final Departures departures;
  private final int maxBinaryBytes;
  private final SignallingRelay signalling;
  private final MediaIngest media;
  private final io.micrometer.core.instrument.Counter framesRefused;
  private final io.micrometer.core.instrument.MeterRegistry metrics;

  /** The message being dispatched (one event loop: set and read within one dispatch). */
  private long requestStart;

  private String requestType;

  RoomMessageHandler(
      RoomService rooms,
      ChatService chat,
      PresenceService presence,
      Departures departures,
      SignallingRelay signalling,
      MediaIngest media,
      int maxTextBytes,
      int maxBinaryBytes,
      MessageLimits limits,
      MessageRates rates) {
    this.parser = new ClientMessageParser(maxTextBytes, limits.signalBroadcastMaxBytes());
    this.rates = rates;
    this.media = media;
    this.metrics = dev.podium.runtime.ops.Observability.registry(media.vertx());
    this.framesRefused = metrics.counter("podium_media_frames_in_total", "result", "not_allowed");
    this.rooms = rooms;
    this.chat = chat;
    this.presence = presence;
    this.departures = departures;
    this.signalling = signalling;
    this.maxBinaryBytes = maxBinaryBytes;
  }

  void onText(Session session, String text) {
    if (session.isClosed()) {
      // Frames already read when the socket was closed (a flood's tail): nothing more to do.
      return;
    }
    if (!session.entered()) {
      // Acted on once the session is in its room (entered), so that a host who ends the event
      // right after its stream link, or a first chat line, reaches the sender's own socket too.
      if (!session.holdUntilEntered(text)) {
        session.sendText(
            ClientMessages.error(
                ErrorCode.RATE_LIMITED,
                "Too many messages before you are in the room; wait for room_state"));
      }
      return;
    }
    ClientRequest request;
    try {
      request = parser.parse(text);
    } catch (BadRequest bad) {
      // Refused messages reach nobody, but a stream of them is abuse all the same.
      if (rates.refused(session.userId())) {
        closeFlooding(session, bad.code().code(), rates.limits().floodRefusals());
      } else {
        session.sendText(ClientMessages.error(bad.code(), bad.getMessage(), bad.details()));
      }
      return;
    }
    if (!charge(session, request)) {
      return;
    }
    try {
      dispatch(session, request);
    } catch (BadRequest bad) {
      session.sendText(ClientMessages.error(bad.code(), bad.getMessage(), bad.details()));
    }
  }

  /** The session is in its room: the messages it sent meanwhile are acted on now, in order. */
  void entered(Session session) {
    for (String text : session.enter()) {
      onText(session, text);
    }
  }

  /** A socket of this user opened on this gateway: it shares the user's message budgets. */
  void opened(Session session) {
    rates.opened(session.userId());
  }

  void closed(Session session) {
    rates.closed(session.userId());
  }

  /** Forgets the budgets of users who left and have refilled (called now and then). */
  void sweepRates() {
    rates.sweep();
  }

  void onBinary(Session session, Buffer frame) {
    if (session.isClosed()) {
      return;
    }
    if (frame.length() > maxBinaryBytes) {
      session.sendText(
          ClientMessages.error(
              ErrorCode.FRAME_TOO_LARGE,
              "Binary frames are limited to " + maxBinaryBytes + " bytes",
              "this frame has " + frame.length() + " bytes"));
      return;
    }
    if (!session.mayPublish()) {
      framesRefused.increment();
      if (session.mayReportNotAllowed(System.currentTimeMillis())) {
        session.sendText(
            ClientMessages.error(
                ErrorCode.NOT_ALLOWED, "Only the host and unmuted co-hosts may send audio"));
      }
      return;
    }
    media.ingest(session, frame);
  }

  /**
   * Charges the message to the sender's budget. Refused: the sender alone hears {@code
   * rate_limited}; refused too often: the socket closes with {@code flooding}.
   */
  private boolean charge(Session session, ClientRequest request) {
    MessageClass messageClass = request.messageClass();
    if (messageClass == null) {
      return true;
    }
    MessageRates.Verdict verdict = rates.take(session.userId(), messageClass);
    if (verdict instanceof MessageRates.Allowed) {
      return true;
    }
    metrics
        .counter("podium_messages_refused_total", "class", messageClass.name().toLowerCase())
        .increment();
    Rate rate = rates.limits().rate(messageClass);
    if (verdict instanceof MessageRates.Limited limited) {
      session.sendText(
          ClientMessages.error(
              ErrorCode.RATE_LIMITED,
              "Too many messages like '" + request.type() + "'; slow down",
              "at most "
                  + rate.burst()
                  + " at once, then "
                  + rate.perMinute()
                  + " a minute; retry in "
                  + limited.retryAfterMillis()
                  + " ms"));
      return false;
    }
    closeFlooding(
        session, messageClass.name().toLowerCase(), ((MessageRates.Flooding) verdict).refusals());
    return false;
  }

  private void closeFlooding(Session session, String what, int refusals) {
    LOG.atWarn()
        .addKeyValue("event_id", session.eventId())
        .addKeyValue("user_id", session.userId())
        .addKeyValue("refused", what)
        .addKeyValue("refusals", refusals)
        .log("closing a flooding socket");
    session.close(
        ErrorCode.FLOODING,
        "Too many refused messages ("
            + refusals
            + " within "
            + rates.limits().floodWindow().toMillis()
            + " ms): this connection is closed");
  }

  private void dispatch(Session session, ClientRequest request) {
    requestStart = System.nanoTime();
    requestType = request.type();
    String event = session.eventId();
    String user = session.userId();
    ClientMessage message = request.message();
    if (message instanceof ClientMessage.BroadcastMessage chatMessage) {
      reply(session, chat.post(event, user, session.identity().username(), chatMessage.body()));
    } else if (message instanceof ClientMessage.Text chatMessage) {
      reply(session, chat.post(event, user, session.identity().username(), chatMessage.body()));
    } else if (message instanceof ClientMessage.WebrtcOffer
        || message instanceof ClientMessage.WebrtcAnswer
        || message instanceof ClientMessage.IceCandidate) {
      signalling.relay(session, request);
    } else if (message instanceof ClientMessage.SendInvite) {
      // from_user is the sender's user id, as the old server sent it (pages compare ids with ===);
      // the event is in event.id: a top-level event_id would pass for a stream link on old host
      // pages.
      String name = session.identity().username();
      ServerMessage invitation =
          new ServerMessage.InviteNotification(
              name + " invited you to join their live event.",
              user,
              new ServerMessage.UserRef(user, name),
              new ServerMessage.EventRef(event));
      reply(session, presence.notifyUser(request.target(), ProtocolCodec.toJson(invitation)));
    } else if (message instanceof ClientMessage.GetParticipants page) {
      Future<JsonObject> answer =
          presence.page(
              event,
              page.offset() == null ? 0 : page.offset(),
              page.limit() == null ? ClientMessage.GetParticipants.DEFAULT_LIMIT : page.limit());
      replyToRead(session, answer);
      // presence answers with the whole participant_page message, built from its record
      answer.onSuccess(p -> session.sendText(p.encode()));
    } else if (message instanceof ClientMessage.LeaveRoom) {
      leave(session);
    } else {
      reply(session, stage(session, message, request.target()));
    }
  }

  /** A room-service operation; {@code target} is the checked user id the message names, if any. */
  private Future<Void> stage(Session session, ClientMessage message, String target) {
    String event = session.eventId();
    String user = session.userId();
    if (message instanceof ClientMessage.StreamEnded) {
      return rooms.end(event, user);
    } else if (message instanceof ClientMessage.InviteCohost) {
      return rooms.inviteCohost(event, user, target);
    } else if (message instanceof ClientMessage.AcceptCohost) {
      return rooms.acceptCohost(event, user);
    } else if (message instanceof ClientMessage.CohostReject
        || message instanceof ClientMessage.RejectCohost) {
      return rooms.rejectCohost(event, user);
    } else if (message instanceof ClientMessage.CohostLeave) {
      return rooms.leaveCohost(event, user);
    } else if (message instanceof ClientMessage.RemoveCohost) {
      return rooms.removeCohost(event, user, target);
    } else if (message instanceof ClientMessage.RequestToSpeak) {
      return rooms.requestToSpeak(event, user);
    } else if (message instanceof ClientMessage.CancelRequest) {
      return rooms.cancelRequest(event, user);
    } else if (message instanceof ClientMessage.DismissRequest) {
      return rooms.dismissRequest(event, user, target);
    } else if (message instanceof ClientMessage.Mute) {
      return rooms.mute(event, user, target == null ? user : target);
    } else if (message instanceof ClientMessage.Unmute) {
      return rooms.unmute(event, user, target == null ? user : target);
    } else if (message instanceof ClientMessage.RemoveParticipant) {
      return rooms.removeParticipant(event, user, target);
    } else if (message instanceof ClientMessage.SwitchingToAudio) {
      media.modeSwitchRequested(session);
      return rooms.switchMode(event, user, "audio");
    } else if (message instanceof ClientMessage.SwitchingToScreenSharing) {
      media.modeSwitchRequested(session);
      return rooms.switchMode(event, user, "screen");
    } else if (message instanceof ClientMessage.StartRecording) {
      return rooms.startRecording(event, user);
    } else if (message instanceof ClientMessage.StopRecording) {
      return rooms.stopRecording(event, user);
    }
    // Only a record added to ClientMessage without a branch here (or in dispatch) gets this far.
    throw new BadRequest(
        ErrorCode.UNKNOWN_TYPE, "Unknown message type '" + ProtocolCodec.typeOf(message) + "'");
  }

  /** The user leaves on purpose: the room is told at once, then the socket closes normally. */
  private void leave(Session session) {
    departures
        .leave(session.eventId(), session.userId(), session.id())
        .onComplete(ar -> session.closeNormally("leave_room"));
  }

  /**
   * Sends the refusal, if any, and times the service call (event-bus request latency, by message
   * type).
   */
  private void reply(Session session, Future<?> outcome) {
    timed(outcome);
    outcome.onFailure(e -> sendFailure(session, e, ErrorCode.ofChange(e)));
  }

  /** As {@link #reply}, for a request that changes nothing: a late answer is only unavailable. */
  private void replyToRead(Session session, Future<?> outcome) {
    timed(outcome);
    outcome.onFailure(e -> sendFailure(session, e, ErrorCode.of(e)));
  }

  private void timed(Future<?> outcome) {
    long started = requestStart;
    String type = requestType;
    outcome.onComplete(
        ar ->
            io.micrometer.core.instrument.Timer.builder("podium_service_request")
                .description(
                    "Time from a client message to the service's answer over the event bus")
                .tag("type", type)
                .tag("outcome", ar.succeeded() ? "ok" : ErrorCode.of(ar.cause()).code())
                .register(metrics)
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  private static void sendFailure(Session session, Throwable e, ErrorCode code) {
    String message =
        switch (code) {
          case INTERNAL, SERVICE_UNAVAILABLE -> "The service is unavailable right now; try again";
          case OUTCOME_UNKNOWN ->
              "The service did not answer in time; what you asked may or may not have been done";
          default -> e.getMessage();
        };
    session.sendText(ClientMessages.error(code, message));
  }
}
