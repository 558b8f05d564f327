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

/** The chat-service behind its proxy: accepted messages are published to the room once. */
final class ChatServiceImpl implements ChatService {
  private final Vertx vertx;
  private final RoomChannel roomChannel;
  private final ChatRooms rooms;
  private final HistoryStore history;
  private final MeterRegistry metrics;

  /** Per event, the last append in flight (the verticle's one event loop reads and writes it). */
  private final java.util.Map<String, Future<?>> lastAppend = new java.util.HashMap<>();

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
    // Stored before it is broadcast: a message anyone saw is in the history. An event's appends
    // run one after another, in the order the messages arrived (the rate checks, one cluster call
    // each, run meanwhile), so the room hears its messages in id order (the store's writes may
    // complete in any order). A refused message's link fails and the next one goes on.
    Future<?> previous = lastAppend.getOrDefault(eventId, Future.succeededFuture());
    Future<JsonObject> stored =
        previous
            .transform(ignored -> accepted)
            .compose(
                entry ->
                    history
                        .append(eventId, entry)
                        .map(
                            id -> {
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
                              metrics
                                  .counter("podium_chat_messages_total", "result", "accepted")
                                  .increment();
                              return message;
                            }));
    lastAppend.put(eventId, stored);
    // The chain is dropped when it runs dry, so an ended or quiet event leaves nothing behind.
    stored.onComplete(ar -> lastAppend.remove(eventId, stored));
    return stored;
  }

  @Override
  public Future<JsonArray> history(String eventId) {
    return history.read(eventId);
  }
}
