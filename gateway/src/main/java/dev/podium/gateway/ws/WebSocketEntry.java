package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import dev.podium.api.chat.ChatService;
import dev.podium.api.media.InputRates;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.gateway.auth.AuthFailure;
import dev.podium.gateway.auth.DisplayNames;
import dev.podium.gateway.auth.Identity;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.auth.UserDirectory;
import dev.podium.gateway.auth.UserIds;
import dev.podium.gateway.edge.EdgeGate;
import dev.podium.gateway.http.QueryString;
import dev.podium.gateway.web.OriginPolicy;
import dev.podium.runtime.ownership.ServiceOwnership;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits WebSocket connections: authenticates before accepting, then either refuses with an {@code
 * error} and a 4xxx close, or opens a {@link Session} in the room and sends the joiner the room's
 * current state.
 */
public final class WebSocketEntry implements Handler<ServerWebSocketHandshake> {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketEntry.class);

  private final Vertx vertx;
  private final String nodeId;
  private final boolean allowGuests;
  private final TokenVerifier tokens;
  private final Optional<UserDirectory> directory;
  private final RoomService rooms;
  private final ChatService chat;
  private final PresenceService presence;
  private final LocalRooms localRooms;
  private final ConnectedSessions sessions;
  private final ActiveStreamsFeed activeStreams;
  private final RoomMessageHandler messages;
  private final Departures departures;
  private final MediaStats stats;
  private final int defaultPacketMillis;
  private final EdgeGate edge;
  private final int writeQueueBytes;
  private final OriginPolicy origins;
  private final JoinTimes joinTimes;

  /** True while this gateway is cut off with a minority of the cluster: new sockets are refused. */
  private final java.util.function.BooleanSupplier cutOff;

  public WebSocketEntry(
      Vertx vertx,
      String nodeId,
      boolean allowGuests,
      int maxTextBytes,
      int maxBinaryBytes,
      TokenVerifier tokens,
      Optional<UserDirectory> directory,
      RoomService rooms,
      ChatService chat,
      PresenceService presence,
      LocalRooms localRooms,
      ConnectedSessions sessions,
      ActiveStreamsFeed activeStreams,
      MediaStats stats,
      int defaultPacketMillis,
      ServiceOwnership relays,
      EdgeGate edge,
      int writeQueueBytes,
      OriginPolicy origins,
      dev.podium.gateway.rates.MessageLimits messageLimits,
      dev.podium.gateway.rates.MessageRates messageRates,
      java.util.function.BooleanSupplier cutOff) {
    this.cutOff = cutOff;
    this.origins = origins;
    this.defaultPacketMillis = defaultPacketMillis;
    this.edge = edge;
    this.writeQueueBytes = writeQueueBytes;
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.allowGuests = allowGuests;
    this.tokens = tokens;
    this.directory = directory;
    this.rooms = rooms;
    this.chat = chat;
    this.presence = presence;
    this.localRooms = localRooms;
    this.sessions = sessions;
    this.activeStreams = activeStreams;
    this.stats = stats;
    this.departures = new Departures(vertx, presence);
    this.joinTimes = new JoinTimes(dev.podium.runtime.ops.Observability.registry(vertx));
    this.messages =
        new RoomMessageHandler(
            rooms,
            chat,
            presence,
            departures,
            new SignallingRelay(vertx),
            new MediaIngest(vertx, localRooms, relays),
            maxTextBytes,
            maxBinaryBytes,
            messageLimits,
            messageRates);
    // Budgets of users who left are kept until they refill (so reconnecting resets nothing), then
    // forgotten.
    vertx.setPeriodic(60_000, id -> messages.sweepRates());
  }

  /**
   * A caller the room-service let in: the event, the role it gave them and the stage as they should
   * see it ({@code admitted} is the answer of {@link RoomService#admit}).
   */
  private record Admission(Identity identity, JsonObject admitted, boolean resumed) {
    LiveEvent event() {
      return new LiveEvent(admitted.getJsonObject("event"));
    }

    String role() {
      return admitted.getString("role");
    }

    JsonObject stage() {
      return admitted.getJsonObject("stage", new JsonObject());
    }
  }

  @Override
  public void handle(ServerWebSocketHandshake handshake) {
    long started = System.nanoTime();
    // Before any other work: a page of a foreign site never gets a socket in its visitor's name.
    if (!origins.allows(
        handshake.headers().get("Origin"),
        handshake.headers().get("Host"),
        handshake.headers().get("X-Forwarded-Proto"),
        handshake.isSsl())) {
      refuseOrigin(handshake);
      return;
    }
    Optional<WebSocketPath> parsed = WebSocketPath.parse(handshake.path());
    if (parsed.isEmpty()) {
      handshake.reject(404);
      return;
    }
    WebSocketPath path = parsed.get();
    if (cutOff.getAsBoolean()) {
      refuse(
          handshake,
          new EdgeGate.Refusal(
              ErrorCode.SERVICE_UNAVAILABLE,
              "This gateway is cut off from most of the cluster; connect again (through another"
                  + " gateway) in a moment",
              null,
              ErrorCode.SERVICE_UNAVAILABLE.closeCode()));
      return;
    }
    EdgeGate.Ticket ticket =
        edge.open(
            handshake,
            path instanceof WebSocketPath.ActiveStreams
                ? EdgeGate.Kind.ACTIVE_STREAMS
                : path instanceof WebSocketPath.GoLive
                    ? EdgeGate.Kind.GO_LIVE
                    : EdgeGate.Kind.JOIN);
    if (ticket.refusal() != null) {
      refuse(handshake, ticket.refusal());
      return;
    }
    // Whatever admission waits for (a hung token check, a silent service), the client gets an
    // answer in time.
    ticket.onTimeout(() -> refuse(handshake, edge.handshakeTimeout(ticket)));
    String token = queryParam(handshake.query(), "token");
    if (path instanceof WebSocketPath.ActiveStreams) {
      ticket.settle();
      handshake
          .accept()
          .onSuccess(
              ws -> {
                ws.setWriteQueueMaxSize(writeQueueBytes);
                edge.watch(ticket, ws, () -> closeIdle(ws));
                activeStreams.add(ws);
              });
    } else if (path instanceof WebSocketPath.GoLive goLive) {
      checkUserId(goLive.userId())
          .compose(v -> tokens.verify(token, goLive.userId()))
          .compose(WebSocketEntry::signedIn)
          .compose(id -> directory.map(d -> d.confirm(id)).orElse(Future.succeededFuture(id)))
          .compose(id -> claim(ticket, id))
          .map(id -> id.withUsername(DisplayNames.normaliseOr(id.username(), id.userId())))
          .compose(
              id ->
                  rooms
                      .goLive(id.userId(), id.username())
                      .compose(
                          event ->
                              rooms
                                  .admit(event.eventId(), id.userId(), true)
                                  .map(admitted -> new Admission(id, admitted, event.resumed()))))
          .onSuccess(
              admission -> {
                if (ticket.settle()) {
                  admit(handshake, admission, JoinTimes.Path.GO_LIVE, started, ticket);
                } else {
                  abandoned(admission);
                }
              })
          .onFailure(
              e -> {
                if (ticket.settle()) {
                  joinTimes.refused(
                      JoinTimes.Path.GO_LIVE, refusalCode(e), System.nanoTime() - started);
                  refuse(handshake, e);
                }
              });
    } else if (path instanceof WebSocketPath.Join join) {
      identify(join, token)
          .compose(id -> claim(ticket, id))
          .compose(
              id ->
                  rooms
                      .admit(join.eventId(), id.userId(), id.verified())
                      .map(admitted -> new Admission(notTheHost(id, admitted), admitted, false)))
          .onSuccess(
              admission -> {
                if (ticket.settle()) {
                  admit(handshake, admission, JoinTimes.Path.JOIN, started, ticket);
                } else {
                  abandoned(admission);
                }
              })
          .onFailure(
              e -> {
                if (ticket.settle()) {
                  joinTimes.refused(
                      JoinTimes.Path.JOIN, refusalCode(e), System.nanoTime() - started);
                  refuse(handshake, e);
                }
              });
    }
  }

  /** The per-user socket cap of this gateway, counted once the user is known. */
  private static Future<Identity> claim(EdgeGate.Ticket ticket, Identity id) {
    EdgeGate.Refusal refusal = ticket.claimUser(id.userId());
    return refusal == null
        ? Future.succeededFuture(id)
        : Future.failedFuture(new EdgeRefused(refusal));
  }

  /**
   * Admission answered after the handshake timeout had refused the client: a host never arrives.
   */
  private void abandoned(Admission admission) {
    if (Participant.ROLE_HOST.equals(admission.role())) {
      rooms.presence(admission.event().eventId(), admission.identity().userId(), false);
    }
  }

  /** An edge limit refused the handshake. */
  private static final class EdgeRefused extends RuntimeException {
    private final EdgeGate.Refusal refusal;

    EdgeRefused(EdgeGate.Refusal refusal) {
      super(refusal.message(), null, false, false);
      this.refusal = refusal;
    }
  }

  private void closeIdle(ServerWebSocket ws) {
    EdgeGate.Refusal idle = edge.idleTimeout();
    ws.writeTextMessage(ClientMessages.error(idle.code(), idle.message(), idle.details()));
    ws.close((short) idle.closeCode(), idle.code().code());
  }

  /**
   * Who a joiner is. A token's name claim wins over the URL's name; the URL's name is used only
   * when the token has none (the verifier then names the user by their id) and for guests. Guests
   * get ids in their own namespace ({@code guest:} + the URL's id), so they can never be, or take
   * the invitation of, a signed-in user.
   */
  private Future<Identity> identify(WebSocketPath.Join join, String token) {
    String urlName;
    try {
      urlName = join.username() == null ? null : DisplayNames.normalise(join.username());
    } catch (DisplayNames.InvalidName e) {
      return Future.failedFuture(
          new AuthFailure(
              ErrorCode.INVALID_NAME,
              "The name in the URL cannot be used",
              e.getMessage()
                  + "; names are 1-"
                  + DisplayNames.MAX_CODE_POINTS
                  + " visible characters without control, bidi or zero-width characters"));
    }
    if ((token == null || token.isBlank()) && allowGuests) {
      String guestId = UserIds.GUEST_PREFIX + join.userId();
      return checkUserId(guestId)
          .map(
              v ->
                  new Identity(
                      guestId,
                      urlName != null ? urlName : DisplayNames.normaliseOr(join.userId(), "guest"),
                      false));
    }
    return checkUserId(join.userId())
        .compose(v -> tokens.verify(token, join.userId()))
        .compose(WebSocketEntry::signedIn)
        .map(
            id -> {
              String byId = DisplayNames.normaliseOr(id.userId(), "user");
              // The verifier names a user by their id when the token has no name claim: only then
              // does
              // the URL's name count. A null or invalid claim gives the id (never "null").
              if (id.username() != null && id.username().equals(id.userId())) {
                return id.withUsername(urlName != null ? urlName : byId);
              }
              return id.withUsername(DisplayNames.normaliseOr(id.username(), byId));
            });
  }

  /** Refuses a user id from the URL that no user may have (control characters, absurd length). */
  private static Future<Void> checkUserId(String userId) {
    return UserIds.problem(userId)
        .<Future<Void>>map(
            problem ->
                Future.failedFuture(
                    new AuthFailure(
                        ErrorCode.INVALID_USER_ID,
                        "The user id in the URL cannot be used",
                        problem)))
        .orElse(Future.succeededFuture());
  }

  /**
   * A token may not name a user in the guests' namespace: that would let it pass for a guest, or a
   * guest for it.
   */
  private static Future<Identity> signedIn(Identity id) {
    if (UserIds.isGuest(id.userId())) {
      return Future.failedFuture(
          new AuthFailure(
              ErrorCode.INVALID_USER_ID,
              "This user id is reserved for guests",
              "user ids starting with '" + UserIds.GUEST_PREFIX + "' are given to guests only"));
    }
    return Future.succeededFuture(id);
  }

  /**
   * Nobody but the host may appear under the host's name: a joiner whose name looks the same (case,
   * compatibility forms and spaces aside) is shown with a suffix saying they are not the host.
   */
  private static Identity notTheHost(Identity id, JsonObject admitted) {
    LiveEvent event = new LiveEvent(admitted.getJsonObject("event"));
    if (Participant.ROLE_HOST.equals(admitted.getString("role"))
        || event.hostUsername() == null
        || !DisplayNames.lookalikeKey(id.username())
            .equals(DisplayNames.lookalikeKey(event.hostUsername()))) {
      return id;
    }
    return id.withUsername(id.username() + " (not the host)");
  }

  private void admit(
      ServerWebSocketHandshake handshake,
      Admission admission,
      JoinTimes.Path path,
      long started,
      EdgeGate.Ticket ticket) {
    boolean goingLive = path == JoinTimes.Path.GO_LIVE;
    LiveEvent event = admission.event();
    handshake
        .accept()
        .onSuccess(
            ws -> {
              ws.setWriteQueueMaxSize(writeQueueBytes);
              int rate = declaredRate(queryParam(handshake.query(), "rate"));
              Session session =
                  new Session(
                      ws,
                      event.eventId(),
                      admission.identity(),
                      admission.role(),
                      mutedOnStage(admission),
                      stats,
                      "opus".equalsIgnoreCase(queryParam(handshake.query(), "codec")),
                      packetTicks(queryParam(handshake.query(), "ptime")) > 0
                          ? packetTicks(queryParam(handshake.query(), "ptime"))
                          : packetTicks(null),
                      Math.max(0, rate));
              if (packetTicks(queryParam(handshake.query(), "ptime")) < 0) {
                session.sendText(
                    ClientMessages.error(
                        ErrorCode.BAD_REQUEST,
                        "ptime must be 20, 40 or 60 (ms of audio per message); using "
                            + defaultPacketMillis));
              }
              if (rate < 0) {
                session.sendText(
                    ClientMessages.error(
                        ErrorCode.BAD_REQUEST,
                        "rate must be one of "
                            + InputRates.COMMON
                            + " (Hz); the rate of your audio will be estimated"));
              }
              sessions.add(session);
              messages.opened(session);
              ws.closeHandler(
                  v -> {
                    disconnected(session);
                    ticket.release();
                  });
              edge.watch(
                  ticket,
                  ws,
                  () -> {
                    // A silent peer (a cut-off host, a zombie listener) leaves the room now, not
                    // when TCP gives up.
                    EdgeGate.Refusal idle = edge.idleTimeout();
                    session.close(idle.code(), idle.message(), idle.details());
                    disconnected(session);
                  });
              ws.exceptionHandler(e -> LOG.debug("socket error on session {}", session.id(), e));
              ws.textMessageHandler(text -> messages.onText(session, text));
              ws.binaryMessageHandler(frame -> messages.onBinary(session, frame));
              if (goingLive) {
                session.sendText(
                    ProtocolCodec.encode(
                        new ServerMessage.StreamLink(
                            event.eventId(),
                            joinUrl(handshake, event.eventId()),
                            admission.resumed())));
              }
              Boolean record =
                  goingLive ? recordParam(queryParam(handshake.query(), "record")) : null;
              if (record == null && goingLive) {
                session.sendText(
                    ClientMessages.error(
                        ErrorCode.BAD_REQUEST,
                        "record must be true or false; the event is not being recorded"));
              }
              enterRoom(
                  session, event, admission.stage(), path, started, Boolean.TRUE.equals(record));
            });
  }

  /** {@code ?record=} of a go-live: true, false (also when absent), or null when unreadable. */
  static Boolean recordParam(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes":
        return true;
      case "false", "0", "no":
        return false;
      default:
        return null;
    }
  }

  /**
   * The sample rate a publisher declares in {@code ?rate=}: 0 when absent, -1 when it is not one of
   * {@link InputRates#COMMON} (then the relay estimates it, as when absent).
   */
  private static int declaredRate(String rate) {
    if (rate == null) {
      return 0;
    }
    try {
      int value = Integer.parseInt(rate);
      return InputRates.isCommon(value) ? value : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Ticks per message for a {@code ptime} query value; -1 (then the default applies) when invalid.
   */
  private int packetTicks(String ptime) {
    String value = ptime == null ? String.valueOf(defaultPacketMillis) : ptime;
    switch (value) {
      case "20":
        return 1;
      case "40":
        return 2;
      case "60":
        return 3;
      default:
        return -1;
    }
  }

  private static boolean mutedOnStage(Admission admission) {
    String userId = admission.identity().userId();
    return admission.stage().getJsonArray("cohosts", new JsonArray()).stream()
        .map(JsonObject.class::cast)
        .anyMatch(c -> userId.equals(c.getString("user_id")) && c.getBoolean("muted", false));
  }

  /**
   * Puts an accepted socket in the room: presence, then the room's state, list, count and chat
   * history. {@code started}: when its upgrade request arrived (for {@link JoinTimes}).
   */
  private void enterRoom(
      Session session,
      LiveEvent event,
      JsonObject stage,
      JoinTimes.Path path,
      long started,
      boolean record) {
    Identity who = session.identity();
    Participant participant =
        new Participant(
            who.userId(), who.username(), session.role(), who.verified(), nodeId, session.id());
    Future<Void> attached = localRooms.attach(session, stage.getString("mode", event.mode()));
    // Read once the node follows the room: a line stored after the read then reaches the socket
    // live (held until the history is written, see Session#chatHistoryWritten), so none is missed.
    Future<JsonArray> history = attached.compose(v -> chat.history(event.eventId()));
    attached
        .compose(v -> presence.join(event.eventId(), participant))
        .onSuccess(
            joined -> {
              if (session.isClosed()) {
                // The socket closed while joining: undo the join so no ghost stays behind.
                departures.leave(event.eventId(), who.userId(), session.id());
                return;
              }
              session.markInPresence();
              session.sendText(ProtocolCodec.encode(roomState(event, stage, session)));
              joinTimes.admitted(path, System.nanoTime() - started);
              session.sendText(participantListText(joined));
              session.sendText(
                  ProtocolCodec.encode(
                      new ServerMessage.ParticipantCount(joined.getInteger("count"))));
              history
                  .onSuccess(
                      h -> {
                        session.sendText(
                            ProtocolCodec.encode(
                                new ServerMessage.ChatHistory(
                                    ProtocolCodec.parts(
                                        before(h, session.firstHeldChatId()),
                                        ServerMessage.ChatEntry.class))));
                        session.chatHistoryWritten();
                      })
                  .onFailure(
                      e -> {
                        session.sendText(
                            ClientMessages.error(
                                ErrorCode.SERVICE_UNAVAILABLE,
                                "Chat history is unavailable right now"));
                        session.chatHistoryWritten();
                      });
              LOG.atInfo()
                  .addKeyValue("event_id", event.eventId())
                  .addKeyValue("user_id", who.userId())
                  .addKeyValue("role", session.role())
                  .log("joined");
              messages.entered(session);
              if (record) {
                // Once the host is in the room, so that it hears recording_started like everyone
                // (a resumed event that is already being recorded carries on).
                rooms
                    .startRecording(event.eventId(), who.userId())
                    .onFailure(
                        e -> {
                          if (ErrorCode.of(e) != ErrorCode.ALREADY_RECORDING) {
                            session.sendText(ClientMessages.error(ErrorCode.of(e), e.getMessage()));
                          }
                        });
              }
            })
        .onFailure(
            e -> {
              LOG.atWarn()
                  .addKeyValue("event_id", event.eventId())
                  .addKeyValue("user_id", who.userId())
                  .log("join failed: {}", e.getMessage());
              if (Participant.ROLE_HOST.equals(session.role())) {
                // The host never made it into the room: let the grace period decide the event's
                // fate.
                rooms.presence(event.eventId(), who.userId(), false);
              }
              ErrorCode code = ErrorCode.of(e);
              if (code == ErrorCode.INTERNAL) {
                code = ErrorCode.SERVICE_UNAVAILABLE;
              }
              joinTimes.refused(path, code, System.nanoTime() - started);
              session.close(
                  code,
                  code == ErrorCode.SERVICE_UNAVAILABLE
                      ? "Could not join the event right now; try again"
                      : e.getMessage());
            });
  }

  /**
   * The joiner's {@code participant_list} from presence's join answer: JSON text, or an object from
   * a presence of the release before (gateways are upgraded first, docs/operations.md).
   */
  static String participantListText(JsonObject joined) {
    return joined.getValue("participant_list") instanceof JsonObject list
        ? list.encode()
        : joined.getString("participant_list");
  }

  /**
   * The history's lines older than {@code firstHeldId}: the socket received the others live and
   * writes them after the history.
   */
  private static JsonArray before(JsonArray history, long firstHeldId) {
    if (firstHeldId == Long.MAX_VALUE) {
      return history;
    }
    JsonArray older = new JsonArray();
    for (int i = 0; i < history.size(); i++) {
      Object entry = history.getValue(i);
      if (!(entry instanceof JsonObject line
          && line.getValue("id") instanceof Number id
          && id.longValue() >= firstHeldId)) {
        older.add(entry);
      }
    }
    return older;
  }

  private void disconnected(Session session) {
    if (!session.markDeparted()) {
      return;
    }
    session.markClosed();
    sessions.remove(session);
    messages.closed(session);
    localRooms.detach(session);
    departures.leave(session.eventId(), session.userId(), session.id());
  }

  /**
   * The room as the joiner finds it. The event id travels in {@code event.id}, never in a top-level
   * {@code event_id}: today's host page takes any message with {@code event_id} for the stream link
   * and would show its (missing) {@code join_url}.
   */
  private static ServerMessage.RoomState roomState(
      LiveEvent event, JsonObject stage, Session session) {
    JsonArray speakRequests = stage.getJsonArray("speak_requests");
    return new ServerMessage.RoomState(
        new ServerMessage.EventRef(event.eventId()),
        ProtocolCodec.part(event.host(), ServerMessage.UserRef.class),
        stage.getString("mode", event.mode()),
        ProtocolCodec.parts(
            stage.getJsonArray("cohosts", new JsonArray()), ServerMessage.CohostEntry.class),
        speakRequests == null
            ? null
            : ProtocolCodec.parts(speakRequests, ServerMessage.SpeakRequestEntry.class),
        stage.getBoolean("pending_invite", false) ? Boolean.TRUE : null,
        new ServerMessage.You(
            session.userId(),
            session.identity().username(),
            session.role(),
            session.identity().verified()),
        stage.getJsonObject("recording") == null
            ? null
            : ProtocolCodec.part(
                stage.getJsonObject("recording"), ServerMessage.RecordingRef.class));
  }

  /** The error code a failed admission is refused with (as {@link #refuse} sends it). */
  private static ErrorCode refusalCode(Throwable cause) {
    if (cause instanceof EdgeRefused edgeRefused) {
      return edgeRefused.refusal.code();
    }
    if (cause instanceof AuthFailure auth) {
      return auth.code();
    }
    return ErrorCode.of(cause);
  }

  private void refuse(ServerWebSocketHandshake handshake, Throwable cause) {
    if (cause instanceof EdgeRefused edgeRefused) {
      refuse(handshake, edgeRefused.refusal);
      return;
    }
    ErrorCode code;
    String message;
    String details = null;
    if (cause instanceof AuthFailure auth) {
      code = auth.code();
      message = auth.getMessage();
      details = auth.details();
    } else {
      code = ErrorCode.of(cause);
      message =
          code == ErrorCode.INTERNAL || code == ErrorCode.SERVICE_UNAVAILABLE
              ? "The service is unavailable right now; try again"
              : cause.getMessage();
    }
    refuse(
        handshake,
        new EdgeGate.Refusal(
            code, message, details, code.closeCode() == 0 ? 4000 : code.closeCode()));
  }

  /**
   * Accepts only to send the refusal and close: a browser cannot read the HTTP status of a failed
   * upgrade.
   */
  private void refuse(ServerWebSocketHandshake handshake, EdgeGate.Refusal refusal) {
    ErrorCode code = refusal.code();
    dev.podium.runtime.ops.Observability.registry(vertx)
        .counter("podium_connections_refused_total", "reason", code.code())
        .increment();
    String error = ClientMessages.error(code, refusal.message(), refusal.details());
    int closeCode = refusal.closeCode();
    handshake
        .accept()
        .onSuccess(
            ws -> {
              ws.writeTextMessage(error);
              ws.close((short) closeCode, code.code());
            });
  }

  /**
   * A 403 without a socket: a browser only reports that the connection failed, which is all a
   * foreign page should learn; the operator sees why in this log line.
   */
  private void refuseOrigin(ServerWebSocketHandshake handshake) {
    dev.podium.runtime.ops.Observability.registry(vertx)
        .counter("podium_connections_refused_total", "reason", "origin_not_allowed")
        .increment();
    LOG.atWarn()
        .addKeyValue("origin", printable(handshake.headers().get("Origin")))
        .addKeyValue("path", printable(handshake.path()))
        .log("WebSocket upgrade refused: origin not allowed (see " + OriginPolicy.SETTING + ")");
    handshake.reject(403);
  }

  /** A header for a log line: no control characters, at most 200 characters. */
  private static String printable(String value) {
    String flat = value == null ? "" : value.replaceAll("\\p{Cntrl}", "?");
    return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
  }

  private static String joinUrl(ServerWebSocketHandshake handshake, String eventId) {
    String host = handshake.headers().get("Host");
    if (host == null && handshake.authority() != null) {
      host = handshake.authority().toString();
    }
    String proto =
        "https".equalsIgnoreCase(handshake.headers().get("X-Forwarded-Proto")) || handshake.isSsl()
            ? "wss"
            : "ws";
    return proto + "://" + host + "/ws/stream/live/join/event/" + eventId + "/";
  }

  private static String queryParam(String query, String name) {
    return QueryString.first(query, name);
  }
}
