package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import dev.podium.api.chat.ChatService;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * What a client in a room may send, and where each message goes. Every bad input becomes one
 * {@code error} reply; the socket and the room carry on.
 */
final class RoomMessageHandler {
  private final RoomService rooms;
  private final ChatService chat;
  private final PresenceService presence;
  private final Departures departures;
  private final int maxTextBytes;
  private final int maxBinaryBytes;
  private final SignallingRelay signalling;
  private final MediaIngest media;
  private final io.micrometer.core.instrument.Counter framesRefused;
  private final io.micrometer.core.instrument.MeterRegistry metrics;
  /** The message being dispatched (one event loop: set and read within one dispatch). */
  private long requestStart;
  private String requestType;

  RoomMessageHandler(RoomService rooms, ChatService chat, PresenceService presence, Departures departures,
      SignallingRelay signalling,
      MediaIngest media, int maxTextBytes, int maxBinaryBytes) {
    this.media = media;
    this.metrics = dev.podium.runtime.ops.Observability.registry(media.vertx());
    this.framesRefused = metrics.counter("podium_media_frames_in_total", "result", "not_allowed");
    this.rooms = rooms;
    this.chat = chat;
    this.presence = presence;
    this.departures = departures;
    this.signalling = signalling;
    this.maxTextBytes = maxTextBytes;
    this.maxBinaryBytes = maxBinaryBytes;
  }

  void onText(Session session, String text) {
    try {
      dispatch(session, parse(text));
    } catch (BadRequest bad) {
      session.sendText(ClientMessages.error(bad.code(), bad.getMessage()));
    }
  }

  void onBinary(Session session, Buffer frame) {
    if (frame.length() > maxBinaryBytes) {
      session.sendText(ClientMessages.error(ErrorCode.FRAME_TOO_LARGE,
          "Binary frames are limited to " + maxBinaryBytes + " bytes"));
      return;
    }
    if (!session.mayPublish()) {
      framesRefused.increment();
      if (session.mayReportNotAllowed(System.currentTimeMillis())) {
        session.sendText(ClientMessages.error(ErrorCode.NOT_ALLOWED,
            "Only the host and unmuted co-hosts may send audio"));
      }
      return;
    }
    media.ingest(session, frame);
  }

  private JsonObject parse(String text) {
    if (text.length() > maxTextBytes / 4 && text.getBytes(StandardCharsets.UTF_8).length > maxTextBytes) {
      throw new BadRequest(ErrorCode.FRAME_TOO_LARGE, "Text messages are limited to " + maxTextBytes + " bytes");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new BadRequest(ErrorCode.BAD_JSON, "The message is not valid JSON");
    }
    if (!(parsed instanceof JsonObject msg)) {
      throw new BadRequest(ErrorCode.BAD_JSON, "The message must be a JSON object");
    }
    return msg;
  }

  private void dispatch(Session session, JsonObject msg) {
    String type = BadRequest.requireString(msg, "type");
    requestStart = System.nanoTime();
    requestType = type;
    switch (type) {
      case "broadcast_message", "text" -> {
        // Today's pages send {message}; older clients sent {text}.
        String body = msg.containsKey("message") || !msg.containsKey("text")
            ? BadRequest.requireString(msg, "message")
            : BadRequest.requireString(msg, "text");
        reply(session, chat.post(session.eventId(), session.userId(), session.identity().username(), body));
      }
      case "stream_ended" -> reply(session, rooms.end(session.eventId(), session.userId()));
      case "invite_cohost" -> reply(session, rooms.inviteCohost(session.eventId(), session.userId(),
          BadRequest.requireIdOf(msg, "user_id", "participant_id")));
      case "accept_cohost" -> reply(session, rooms.acceptCohost(session.eventId(), session.userId()));
      case "cohost_reject", "reject_cohost" -> reply(session, rooms.rejectCohost(session.eventId(), session.userId()));
      case "cohost_leave" -> reply(session, rooms.leaveCohost(session.eventId(), session.userId()));
      case "remove_cohost" -> reply(session, rooms.removeCohost(session.eventId(), session.userId(),
          BadRequest.requireIdOf(msg, "participant_id", "user_id")));
      case "request_to_speak" -> reply(session, rooms.requestToSpeak(session.eventId(), session.userId()));
      case "cancel_request" -> reply(session, rooms.cancelRequest(session.eventId(), session.userId()));
      case "dismiss_request" -> reply(session, rooms.dismissRequest(session.eventId(), session.userId(),
          BadRequest.requireIdOf(msg, "participant_id", "user_id")));
      case "mute" -> reply(session, rooms.mute(session.eventId(), session.userId(), targetOrSelf(session, msg)));
      case "unmute" -> reply(session, rooms.unmute(session.eventId(), session.userId(), targetOrSelf(session, msg)));
      case "remove_participant" -> reply(session, rooms.removeParticipant(session.eventId(), session.userId(),
          BadRequest.requireIdOf(msg, "participant_id", "user_id")));
      case "switching_to_audio" -> reply(session, rooms.switchMode(session.eventId(), session.userId(), "audio"));
      case "switching_to_screen_sharing" -> reply(session, rooms.switchMode(session.eventId(), session.userId(), "screen"));
      case "webrtc_offer" -> signalling.relay(session, msg, "offer");
      case "webrtc_answer" -> signalling.relay(session, msg, "answer");
      case "ice_candidate" -> signalling.relay(session, msg, "candidate");
      case "send_invite" -> {
        String target = BadRequest.requireIdOf(msg, "user_id", "participant_id");
        JsonObject invitation = new JsonObject()
            .put("type", "invite_notification")
            .put("message", session.identity().username() + " invited you to join their live event.")
            .put("from_user", session.identity().username())
            .put("from", new JsonObject().put("user_id", session.userId()).put("username", session.identity().username()))
            .put("event_id", session.eventId());
        reply(session, presence.notifyUser(target, invitation));
      }
      case "leave_room" -> leave(session);
      case "get_participants" -> {
        int offset = BadRequest.optionalInt(msg, "offset", 0);
        int limit = BadRequest.optionalInt(msg, "limit", 50);
        presence.page(session.eventId(), offset, limit)
            .onSuccess(page -> session.sendText(page.put("type", "participant_page").encode()))
            .onFailure(e -> sendFailure(session, e));
      }
      default -> throw new BadRequest(ErrorCode.UNKNOWN_TYPE, "Unknown message type '" + type + "'");
    }
  }

  /** {@code participant_id} when given, otherwise the sender (a co-host muting themselves). */
  private static String targetOrSelf(Session session, JsonObject msg) {
    return msg.getValue("participant_id") == null && msg.getValue("user_id") == null
        ? session.userId()
        : BadRequest.requireIdOf(msg, "participant_id", "user_id");
  }

  /** The user leaves on purpose: the room is told at once, then the socket closes normally. */
  private void leave(Session session) {
    departures.leave(session.eventId(), session.userId(), session.id())
        .onComplete(ar -> session.closeNormally("leave_room"));
  }

  /** Sends the refusal, if any, and times the service call (event-bus request latency, by message type). */
  private void reply(Session session, Future<?> outcome) {
    long started = requestStart;
    String type = requestType;
    outcome.onComplete(ar -> io.micrometer.core.instrument.Timer.builder("podium_service_request")
        .description("Time from a client message to the service's answer over the event bus")
        .tag("type", type).tag("outcome", ar.succeeded() ? "ok" : ErrorCode.of(ar.cause()).code())
        .register(metrics).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
    outcome.onFailure(e -> sendFailure(session, e));
  }

  static void sendFailure(Session session, Throwable e) {
    ErrorCode code = ErrorCode.of(e);
    String message = code == ErrorCode.INTERNAL || code == ErrorCode.SERVICE_UNAVAILABLE
        ? "The service is unavailable right now; try again"
        : e.getMessage();
    session.sendText(ClientMessages.error(code, message));
  }
}
