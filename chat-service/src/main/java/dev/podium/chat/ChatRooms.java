package dev.podium.chat;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The chat rules of every event: message length and per-sender rate windows. Plain logic, no
 * I/O; {@link #accept} either returns the history entry to store (without its id) or throws the
 * {@code ServiceException} the sender should see. Rate windows are per process: a restart
 * forgets them, which only ever lets a sender through.
 */
final class ChatRooms {
  private final ChatConfig config;
  private final Clock clock;
  private final Map<String, Map<String, RateWindow>> rates = new HashMap<>();

  ChatRooms(ChatConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Validates a message and spends a rate slot; returns its {@code chat_message} entry (no id yet). */
  JsonObject accept(String eventId, String userId, String username, String text) {
    if (text == null || text.isBlank()) {
      throw ErrorCode.EMPTY_MESSAGE.exception("Message is empty");
    }
    int length = text.codePointCount(0, text.length());
    if (length > config.maxLength()) {
      throw ErrorCode.MESSAGE_TOO_LONG.exception(
          "Message is " + length + " characters; the limit is " + config.maxLength());
    }
    RateWindow window = rates.computeIfAbsent(eventId, id -> new HashMap<>())
        .computeIfAbsent(userId, id -> new RateWindow(config.messagesPerSecond()));
    if (!window.tryAcquire(clock.millis())) {
      throw ErrorCode.RATE_LIMITED.exception(
          "At most " + config.messagesPerSecond() + " messages per second; wait a moment");
    }
    return new JsonObject()
        .put("type", "chat_message")
        .put("message", text)
        .put("username", username)
        .put("user_id", userId)
        .put("timestamp", clock.instant().toString());
  }

  void forget(String eventId) {
    rates.remove(eventId);
  }
}
