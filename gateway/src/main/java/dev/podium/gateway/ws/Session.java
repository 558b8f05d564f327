package dev.podium.gateway.ws;

import dev.podium.api.ErrorCode;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.gateway.auth.Identity;
import dev.podium.gateway.screen.ScreenStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket in one event. Writes are bounded (the write queue, {@code
 * PODIUM_WS_WRITE_QUEUE_BYTES}, 256 KiB by default, about 2.5 s of 48 kHz PCM): media frames to a
 * socket whose queue is full are dropped, and a socket whose queue has stayed full for 2 s is
 * closed at its next room message ({@code slow_consumer}, it can reconnect and catch up from
 * history).
 */
public final class Session implements MediaListener {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);

  /** The event loop this socket lives on: everything done to it runs there. */
  private final io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();

  private final Thread loop = Thread.currentThread();
  private final String id = UUID.randomUUID().toString();
  private final ServerWebSocket socket;
  private final String eventId;
  private final Identity identity;

  /** The identity's user id, held here: the audio fan-out reads it for every socket every tick. */
  private final String userId;

  private final boolean framed;
  private final MediaStats stats;
  private volatile String role;
  private boolean muted;
  private boolean closed;
  private boolean departed;

  /**
   * Set on the loop once presence acknowledged the join; read by the node's resync (another
   * thread).
   */
  private volatile boolean inPresence;

  private long lastNotAllowedAt;

  /** How long the write queue has been full; used on the loop only. */
  private final WriteQueueWatch queue = new WriteQueueWatch();

  /** Media frames dropped since the queue was last found not full; used on the loop only. */
  private long droppedWhileFull;

  /**
   * The host's screen stream in screen mode (created on its first chunk); used on the loop only.
   */
  private ScreenStream screenStream;

  /**
   * The relay this socket's audio last went to, or null; used on the loop only, to log where a
   * speaker's audio goes when the event's relay changes.
   */
  private String audioRelay;

  private final boolean opus;
  private final int packetTicks;

  /** Opened as the event's host (a host stays host for the life of its socket). */
  private final boolean hostSocket;

  private final int declaredRate;

  Session(
      ServerWebSocket socket,
      String eventId,
      Identity identity,
      String role,
      boolean muted,
      MediaStats stats,
      boolean wantsOpus,
      int packetTicks,
      int declaredRate) {
    this.packetTicks = packetTicks;
    this.declaredRate = declaredRate;
    this.socket = socket;
    this.eventId = eventId;
    this.identity = identity;
    this.userId = identity.userId();
    this.role = role;
    this.hostSocket = dev.podium.api.presence.Participant.ROLE_HOST.equals(role);
    this.muted = muted;
    this.stats = stats;
    this.framed = MediaFraming.SUBPROTOCOL.equals(socket.subProtocol());
    this.opus = framed && wantsOpus;
  }

  /** True when the caller runs on this socket's event-loop thread. */
  public boolean onCallersLoop() {
    return Thread.currentThread() == loop;
  }

  /** Runs the task on this socket's event loop (at once when already there). */
  public void run(Runnable task) {
    Loops.run(context, loop, task);
  }

  /**
   * How many 20 ms ticks of PCM room mix go into one WebSocket message to this listener (1, 2 or
   * 3).
   */
  @Override
  public int packetTicks() {
    return opus ? 1 : packetTicks;
  }

  /**
   * The sample rate of the PCM this client sends, as it declared it ({@code ?rate=}); 0 when it did
   * not.
   */
  public int declaredRate() {
    return declaredRate;
  }

  /** A {@code podium.v1} client that asked for Opus ({@code ?codec=opus}). */
  @Override
  public boolean opus() {
    return opus;
  }

  /** True when the client opened the socket with the {@code podium.v1} subprotocol. */
  @Override
  public boolean framed() {
    return framed;
  }

  @Override
  public boolean isHost() {
    return dev.podium.api.presence.Participant.ROLE_HOST.equals(role);
  }

  /** Whether this socket was opened as the event's host: fixed, unlike {@link #role()}. */
  boolean hostSocket() {
    return hostSocket;
  }

  /** The host and unmuted co-hosts may send audio (the room-service's state, cached here). */
  boolean mayPublish() {
    return isHost() || (dev.podium.api.presence.Participant.ROLE_COHOST.equals(role) && !muted);
  }

  void muted(boolean value) {
    this.muted = value;
  }

  public String id() {
    return id;
  }

  public String eventId() {
    return eventId;
  }

  public Identity identity() {
    return identity;
  }

  @Override
  public String userId() {
    return userId;
  }

  public String role() {
    return role;
  }

  void role(String newRole) {
    this.role = newRole;
  }

  public boolean isClosed() {
    return closed;
  }

  void markClosed() {
    closed = true;
  }

  /**
   * Presence acknowledged this session's join: it is re-announced when a presence owner is
   * replaced.
   */
  void markInPresence() {
    inPresence = true;
  }

  /**
   * Presence acknowledged the join (what a resync re-announces; before that the join is in flight).
   */
  boolean inPresence() {
    return inPresence;
  }

  /** Most text messages held while the session enters its room. */
  static final int MAX_EARLY_TEXTS = 32;

  /** Text messages that came before the session was in its room (its loop only). */
  private java.util.ArrayDeque<String> early;

  private boolean entered;

  /**
   * Holds a text message that came before the session is in its room (the host's page has its
   * stream link, and may act, before its room is joined): acted on then, in order, so that what it
   * causes reaches the sender too. False when the session is in the room (act now) or too many are
   * held already.
   */
  boolean holdUntilEntered(String text) {
    if (entered) {
      return false;
    }
    if (early == null) {
      early = new java.util.ArrayDeque<>();
    }
    return early.size() < MAX_EARLY_TEXTS && early.add(text);
  }

  /** The session is in its room: returns what was held (on its loop). */
  java.util.List<String> enter() {
    entered = true;
    java.util.List<String> held =
        early == null ? java.util.List.of() : java.util.List.copyOf(early);
    early = null;
    return held;
  }

  /** Whether messages from this session are acted on now (it is in its room). */
  boolean entered() {
    return entered;
  }

  /** Not closed nor departed; read from another thread by the resync, so a moment late at worst. */
  boolean open() {
    return !departed && !closed;
  }

  /** True the first time only: the departure (presence leave, room detach) happens once. */
  boolean markDeparted() {
    if (departed) {
      return false;
    }
    departed = true;
    return true;
  }

  /** Writes a reply meant for this socket only. */
  public void sendText(String text) {
    if (closed || socket.isClosed()) {
      return;
    }
    if (slowConsumer()) {
      return;
    }
    socket.writeTextMessage(text);
  }

  /** Most chat lines held for a socket whose {@code chat_history} is not written yet. */
  static final int MAX_CHAT_BEFORE_HISTORY = 256;

  /**
   * The room's chat lines that came before this socket's {@code chat_history} (its loop only; null
   * once that is written). Pages replace their chat with {@code chat_history}, and its read can
   * answer after the room's next lines arrived here (a slow cluster read, a partition moving after
   * a member died): a line written before it would vanish from the page.
   */
  private java.util.ArrayDeque<EncodedText> chatBeforeHistory = new java.util.ArrayDeque<>();

  private int chatLinesDropped;

  /**
   * The id of the oldest chat line this socket holds ({@link Long#MAX_VALUE} when it holds none):
   * its {@code chat_history} stops before it, so that a line the socket received live stays a live
   * line (a sender sees its own line come back as {@code message_broadcast}) and none comes twice.
   */
  long firstHeldChatId() {
    EncodedText first = chatBeforeHistory == null ? null : chatBeforeHistory.peek();
    return first == null ? Long.MAX_VALUE : first.chatId();
  }

  /**
   * The socket's {@code chat_history} is written (or could not be read): the chat lines held until
   * now follow it.
   */
  void chatHistoryWritten() {
    java.util.ArrayDeque<EncodedText> held = chatBeforeHistory;
    chatBeforeHistory = null;
    if (held == null) {
      return;
    }
    if (chatLinesDropped > 0) {
      LOG.atWarn()
          .addKeyValue("event_id", eventId)
          .addKeyValue("user_id", identity.userId())
          .log(
              "{} chat lines were dropped while this socket waited for its chat history (at most"
                  + " {} are held)",
              chatLinesDropped,
              MAX_CHAT_BEFORE_HISTORY);
    }
    for (EncodedText line : held) {
      send(line);
    }
  }

  /** Writes a room message encoded once for all local sockets. */
  public void send(EncodedText message) {
    if (closed || socket.isClosed()) {
      return;
    }
    if (chatBeforeHistory != null && message.chatId() >= 0) {
      if (chatBeforeHistory.size() == MAX_CHAT_BEFORE_HISTORY) {
        chatBeforeHistory.poll();
        chatLinesDropped++;
      }
      chatBeforeHistory.add(message);
      return;
    }
    if (message.snapshot() && socket.writeQueueFull()) {
      // A newer list, count or level report will replace this one: skip it, keep the socket.
      queue.observe(true, System.nanoTime());
      stats.snapshotSkipped();
      return;
    }
    if (slowConsumer()) {
      return;
    }
    socket.writeFrame(message.frame());
  }

  /**
   * Whether this socket is closed as a slow consumer: its write queue has stayed full for {@link
   * WriteQueueWatch#SLOW_AFTER_MS}. A queue full for less (a burst of audio after a network fault,
   * which the client drains in milliseconds) still takes the room message: room messages are never
   * dropped, they are few and rate-limited, and media frames are dropped while the queue is full,
   * so what goes past the queue's limit stays small.
   */
  private boolean slowConsumer() {
    long fullMs = queue.observe(socket.writeQueueFull(), System.nanoTime());
    if (fullMs < 0) {
      droppedWhileFull = 0;
    }
    if (fullMs < WriteQueueWatch.SLOW_AFTER_MS) {
      return false;
    }
    LOG.atWarn()
        .addKeyValue("event_id", eventId)
        .addKeyValue("user_id", identity.userId())
        .addKeyValue("full_ms", fullMs)
        .addKeyValue("frames_dropped", droppedWhileFull)
        .log("socket closed as a slow consumer: its write queue stayed full");
    close(ErrorCode.SLOW_CONSUMER, "This connection fell too far behind the room");
    return true;
  }

  /**
   * Writes a media frame unless the socket is behind, in which case the frame is dropped and
   * counted: nothing waits and nothing queues for a slow listener.
   */
  @Override
  public boolean sendBinary(Buffer frame) {
    // The client may have closed before our close handler ran: writing would throw.
    if (closed || socket.isClosed()) {
      return false;
    }
    if (queue.observe(socket.writeQueueFull(), System.nanoTime()) >= 0) {
      stats.dropped();
      droppedWhileFull++;
      return false;
    }
    droppedWhileFull = 0;
    socket.writeBinaryMessage(frame);
    stats.delivered();
    return true;
  }

  /** Sends {@code error} and closes with the code's close code. */
  public void close(ErrorCode code, String message) {
    close(code, message, null);
  }

  /** Sends {@code error} with {@code details} and closes with the code's close code. */
  public void close(ErrorCode code, String message, String details) {
    if (closed) {
      return;
    }
    socket.writeTextMessage(ClientMessages.error(code, message, details));
    closed = true;
    socket.close((short) code.closeCode(), code.code());
  }

  /**
   * This gateway is shutting down: tells the client when to come back (to this or another gateway)
   * and closes with 1012 (service restart). Its roles survive in the room-service and the reconnect
   * grace keeps a host's or co-host's place.
   */
  public void closeForRestart(long afterMillis) {
    if (closed) {
      return;
    }
    socket.writeTextMessage(ProtocolCodec.encode(new ServerMessage.Reconnect(afterMillis)));
    closed = true;
    socket.close((short) 1012, "reconnect");
  }

  /** Normal closure (1000), for example after {@code stream_ended}. */
  public void closeNormally(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    socket.close((short) 1000, reason);
  }

  /** This socket's screen stream, or null before its first screen chunk. */
  ScreenStream screenStream() {
    return screenStream;
  }

  void screenStream(ScreenStream stream) {
    this.screenStream = stream;
  }

  /** Records the relay this socket's audio goes to now; true if it went elsewhere before. */
  boolean audioRelayChanged(String relay) {
    boolean changed = !relay.equals(audioRelay);
    audioRelay = relay;
    return changed;
  }

  /** True at most once per second: rate-limits repeated {@code not_allowed} errors. */
  boolean mayReportNotAllowed(long nowMillis) {
    if (nowMillis - lastNotAllowedAt < 1000) {
      return false;
    }
    lastNotAllowedAt = nowMillis;
    return true;
  }
}
