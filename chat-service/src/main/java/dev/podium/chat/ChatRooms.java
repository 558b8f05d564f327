package dev.podium.chat;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The chat state of every event: bounded history, message ids and per-sender rate windows.
 * Plain logic, no I/O; {@link #accept} either returns the message to broadcast or throws the
 * {@code ServiceException} the sender should see.
 */
final class ChatRooms {
  private final ChatConfig config;
  private final Clock clock;
  private final Map<String, Room> rooms = new HashMap<>();

  ChatRooms(ChatConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  private static final class Room {
    final ArrayDeque<JsonObject> history = new ArrayDeque<>();
    final Map<String, RateWindow> rates = new HashMap<>();
    long lastId;
  }

  /** Validates and records a message; returns its {@code message_broadcast} form. */
  JsonObject accept(String eventId, String userId, String username, String text) {
    if (text == null || text.isBlank()) {
      throw ErrorCode.EMPTY_MESSAGE.exception("Message is empty");
    }
    int length = text.codePointCount(0, text.length());
    if (length > config.maxLength()) {
      throw ErrorCode.MESSAGE_TOO_LONG.exception(
          "Message is " + length + " characters; the limit is " + config.maxLength());
    }
    Room room = rooms.computeIfAbsent(eventId, id -> new Room());
    long now = clock.millis();
    RateWindow window = room.rates.computeIfAbsent(userId, id -> new RateWindow(config.messagesPerSecond()));
    if (!window.tryAcquire(now)) {
      throw ErrorCode.RATE_LIMITED.exception(
          "At most " + config.messagesPerSecond() + " messages per second; wait a moment");
    }
    long id = ++room.lastId;
    String timestamp = clock.instant().toString();
    JsonObject entry = new JsonObject()
        .put("type", "chat_message")
        .put("id", id)
        .put("message", text)
        .put("username", username)
        .put("user_id", userId)
        .put("timestamp", timestamp);
    if (config.historySize() > 0) {
      if (room.history.size() == config.historySize()) {
        room.history.removeFirst();
      }
      room.history.addLast(entry);
    }
    return entry.copy().put("type", "message_broadcast");
  }

  JsonArray history(String eventId) {
    Room room = rooms.get(eventId);
    JsonArray out = new JsonArray();
    if (room != null) {
      room.history.forEach(out::add);
    }
    return out;
  }

  void forget(String eventId) {
    rooms.remove(eventId);
  }
}
