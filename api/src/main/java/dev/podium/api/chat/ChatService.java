package dev.podium.api.chat;

import dev.podium.api.Addresses;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;

/**
 * Chat of one event: accepts messages within the limits, keeps a bounded history and publishes each
 * accepted message to the room.
 */
@ProxyGen
public interface ChatService {

  static ChatService createProxy(Vertx vertx) {
    return new ServiceProxyBuilder(vertx)
        .setAddress(Addresses.CHAT_SERVICE)
        .setOptions(new DeliveryOptions().setSendTimeout(3000))
        .build(ChatService.class);
  }

  /**
   * Posts a message. On success the {@code message_broadcast} JSON has been published to the room
   * and is returned. Fails with {@code empty_message}, {@code message_too_long} or {@code
   * rate_limited}.
   */
  Future<JsonObject> post(String eventId, String userId, String username, String text);

  /** The retained messages of the event, oldest first, as {@code chat_message} entries. */
  Future<JsonArray> history(String eventId);
}
