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

  private final ChatSequencer sequencer;

  ChatServiceImpl(Vertx vertx, ChatRooms rooms, HistoryStore history) {
    this.vertx = vertx;
    this.roomChannel = new RoomChannel(vertx);
    this.rooms = rooms;
    this.history = history;
    this.metrics = Observability.registry(vertx);
    this.sequencer = new ChatSequencer(history, this::publish);
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
    return sequencer.submit(eventId, accepted);
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
