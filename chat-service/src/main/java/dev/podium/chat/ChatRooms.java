package dev.podium.chat;

import dev.podium.api.ErrorCode;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.runtime.rates.LocalRateWindows;
import dev.podium.runtime.rates.RateWindows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * The chat rules of every event: message length and each sender's rate per event. No I/O of its
 * own; {@link #accept} either gives the history entry to store (without its id) or fails with the
 * {@code ServiceException} the sender should see. The rate windows are the cluster's when the
 * service is clustered ({@code ClusterRateWindows}: the limit holds however many chat-service
 * instances a sender's messages reach), this process's otherwise.
 */
final class ChatRooms {
  private final ChatConfig config;
  private final Clock clock;
  private final RateWindows rates;

  /** With rate windows of this process only. */
  ChatRooms(ChatConfig config, Clock clock) {
    this(config, clock, new LocalRateWindows(config.messagesPerSecond(), clock::millis));
  }

  ChatRooms(ChatConfig config, Clock clock, RateWindows rates) {
    this.config = config;
    this.clock = clock;
    this.rates = rates;
  }

  /**
   * Validates a message and spends a rate slot; gives its {@code chat_message} entry (no id yet). A
   * message refused for its text spends no slot and fails at once.
   */
  Future<JsonObject> accept(String eventId, String userId, String username, String text) {
    if (text == null || text.isBlank()) {
      return Future.failedFuture(ErrorCode.EMPTY_MESSAGE.exception("Message is empty"));
    }
    int length = text.codePointCount(0, text.length());
    if (length > config.maxLength()) {
      return Future.failedFuture(
          ErrorCode.MESSAGE_TOO_LONG.exception(
              "Message is " + length + " characters; the limit is " + config.maxLength()));
    }
    JsonObject entry =
        ProtocolCodec.partJson(
            new ServerMessage.ChatEntry(
                ServerMessage.ChatEntry.TYPE,
                null,
                text,
                username,
                userId,
                clock.instant().toString()));
    return rates
        .tryAcquire(windowKey(eventId, userId))
        .compose(
            accepted ->
                accepted
                    ? Future.succeededFuture(entry)
                    : Future.failedFuture(
                        ErrorCode.RATE_LIMITED.exception(
                            "At most "
                                + config.messagesPerSecond()
                                + " messages per second; wait a moment")));
  }

  /** One window per sender per event; the length prefix keeps any event id and user id apart. */
  /** Forgets the rate windows of an event that ended. */
  Future<Void> forget(String eventId) {
    return rates.forgetPrefix(windowKey(eventId, ""));
  }

  static String windowKey(String eventId, String userId) {
    return eventId.length() + ":" + eventId + "/" + userId;
  }
}
