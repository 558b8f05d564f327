package dev.podium.runtime.rooms;

import dev.podium.api.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Where one gateway node receives the messages and the media of the rooms it follows: one event-bus
 * consumer for each at the node's own addresses (registered once, at start), whatever the number of
 * rooms; {@link #follow} adds the node to an event's {@link RoomRoutes}. Built on the context that
 * must run the handlers.
 */
public final class RoomInbox {
  private final RoomRoutes routes;
  private final String nodeId;
  private final MessageConsumer<JsonObject> messages;
  private final MessageConsumer<Buffer> media;

  /** The one room a {@link #listen} inbox follows, closed with it. */
  private RoomRoutes.Route listened;

  private RoomInbox(
      Vertx vertx,
      String nodeId,
      BiConsumer<String, Message<JsonObject>> onMessage,
      BiConsumer<String, Message<Buffer>> onMedia) {
    this.routes = RoomRoutes.of(vertx);
    this.nodeId = nodeId;
    this.messages = vertx.eventBus().consumer(Addresses.gatewayRooms(nodeId), byEvent(onMessage));
    this.media =
        onMedia == null
            ? null
            : vertx.eventBus().consumer(Addresses.gatewayMedia(nodeId), byEvent(onMedia));
  }

  private static <T> Handler<Message<T>> byEvent(BiConsumer<String, Message<T>> handler) {
    return msg -> {
      String eventId = msg.headers().get(RoomChannel.EVENT);
      if (eventId != null) {
        handler.accept(eventId, msg);
      }
    };
  }

  /**
   * Opens node {@code nodeId}'s inbox: {@code onMessage} gets each room message with its event id,
   * {@code onMedia} each media packet (null: the node takes no media).
   */
  public static RoomInbox open(
      Vertx vertx,
      String nodeId,
      BiConsumer<String, Message<JsonObject>> onMessage,
      BiConsumer<String, Message<Buffer>> onMedia) {
    return new RoomInbox(vertx, nodeId, onMessage, onMedia);
  }

  /**
   * A listener of one room's messages, as a gateway node with sockets in it would be (for tests and
   * tools): completes once the room's messages reach {@code handler}.
   */
  public static Future<RoomInbox> listen(
      Vertx vertx, String eventId, Handler<Message<JsonObject>> handler) {
    RoomInbox inbox =
        open(
            vertx,
            "listener-" + UUID.randomUUID(),
            (event, msg) -> {
              if (event.equals(eventId)) {
                handler.handle(msg);
              }
            },
            null);
    return inbox
        .ready()
        .compose(
            v -> {
              inbox.listened = inbox.follow(eventId);
              return inbox.listened.ready();
            })
        .map(inbox);
  }

  /** Completes once the consumers are registered in the cluster and the route table is loaded. */
  public Future<Void> ready() {
    return Future.all(
            messages.completion(),
            media == null ? Future.succeededFuture() : media.completion(),
            routes.ready())
        .mapEmpty();
  }

  /** This node follows {@code eventId} until the route is closed. */
  public RoomRoutes.Route follow(String eventId) {
    return routes.follow(eventId, nodeId);
  }

  public Future<Void> close() {
    if (listened != null) {
      listened.close();
    }
    if (media != null) {
      media.unregister();
    }
    return messages.unregister();
  }
}
