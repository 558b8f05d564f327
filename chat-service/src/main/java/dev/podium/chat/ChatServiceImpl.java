package dev.podium.chat;

import dev.podium.api.Addresses;
import dev.podium.api.chat.ChatService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The chat-service behind its proxy: accepted messages are published to the room once. */
final class ChatServiceImpl implements ChatService {
  private final Vertx vertx;
  private final ChatRooms rooms;

  ChatServiceImpl(Vertx vertx, ChatRooms rooms) {
    this.vertx = vertx;
    this.rooms = rooms;
  }

  @Override
  public Future<JsonObject> post(String eventId, String userId, String username, String text) {
    try {
      JsonObject message = rooms.accept(eventId, userId, username, text);
      vertx.eventBus().publish(Addresses.roomEvents(eventId), message);
      return Future.succeededFuture(message);
    } catch (RuntimeException refused) {
      return Future.failedFuture(refused);
    }
  }

  @Override
  public Future<JsonArray> history(String eventId) {
    return Future.succeededFuture(rooms.history(eventId));
  }
}
