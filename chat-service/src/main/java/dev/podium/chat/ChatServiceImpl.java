package dev.podium.chat;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.chat.ChatService;
import dev.podium.api.history.HistoryNotice;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.rooms.RoomChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The chat-service behind its proxy: accepted messages are published to the room once. */
final class ChatServiceImpl implements ChatService {
  private final Vertx vertx;
  private final RoomChannel roomChannel;
  private final ChatRooms rooms;
  private final HistoryStore history;
  private final MeterRegistry metrics;

  /**
   * Per event, the last message being numbered and the last being broadcast (the verticle's one
   * event loop reads and writes them).
   */
  private final Map<String, Future<?>> lastNumbered = new HashMap<>();

  private final Map<String, Future<?>> lastPublished = new HashMap<>();

  ChatServiceImpl(Vertx vertx, ChatRooms rooms, HistoryStore history) {
    this.vertx = vertx;
    this.roomChannel = new RoomChannel(vertx);
    this.rooms = rooms;
    this.history = history;
    this.metrics = Observability.registry(vertx);
  }

  @Override
  public Future<JsonObject> post(String eventId, String userId, String username, String text) {
    Future<JsonObject> accepted =
        rooms
            .accept(eventId, userId, username, text)
            .onFailure(
                refused ->
                    metrics
                        .counter(
                            "podium_chat_messages_total", "result", ErrorCode.of(refused).code())
                        .increment());
    if (accepted.failed()) {
      return accepted;
    }
    // Numbered in the order messages were accepted: an event's ids are taken one after another
    // (one cluster call each, while the next messages' rate checks run). Each message is then
    // stored at once, the writes overlapping, and broadcast only after the one numbered before
    // it, so the room hears its messages in id order, and a message anyone saw is in the history.
    // A refused message's link fails and the next one goes on.
    Future<Long> numbered =
        lastNumbered
            .getOrDefault(eventId, Future.succeededFuture())
            .transform(ignored -> accepted)
            .compose(entry -> history.nextId(eventId));
    chain(lastNumbered, eventId, numbered);
    Future<Long> stored =
        numbered.compose(id -> history.store(eventId, id, accepted.result()).map(id));
    Future<JsonObject> published =
        lastPublished
            .getOrDefault(eventId, Future.succeededFuture())
            .transform(ignored -> stored)
            .map(id -> publish(eventId, id, accepted.result()));
    chain(lastPublished, eventId, published);
    return published;
  }

  /** Keeps an event's latest link, and drops it when it ran dry (so ended events leave nothing). */
  private static <T> void chain(Map<String, Future<?>> links, String eventId, Future<T> link) {
    links.put(eventId, link);
    link.onComplete(ar -> links.remove(eventId, link));
  }

  private JsonObject publish(String eventId, long id, JsonObject entry) {
    JsonObject message =
        ProtocolCodec.toJson(
            new ServerMessage.MessageBroadcast(
                entry.getString("message"),
                entry.getString("username"),
                entry.getString("user_id"),
                entry.getString("timestamp"),
                id));
    roomChannel.publish(eventId, message);
    // The database's record, written behind (never awaited here).
    vertx
        .eventBus()
        .send(
            Addresses.HISTORY_NOTICES,
            HistoryNotice.chat(
                eventId,
                id,
                entry.getString("user_id"),
                entry.getString("username"),
                entry.getString("message"),
                Instant.parse(entry.getString("timestamp"))));
    metrics.counter("podium_chat_messages_total", "result", "accepted").increment();
    return message;
  }

  @Override
  public Future<JsonArray> history(String eventId) {
    return history.read(eventId);
  }
}
