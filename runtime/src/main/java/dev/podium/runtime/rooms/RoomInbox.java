package dev.podium.runtime.rooms;

import dev.podium.api.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Where one gateway node receives the messages of the rooms it follows: one event-bus consumer at
 * the node's own address (registered once, at start), whatever the number of rooms; {@link #follow}
 * adds the node to an event's {@link RoomRoutes}. Built on the context that must run the handler.
 */
public final class RoomInbox {
  private final RoomRoutes routes;
  private final String nodeId;
  private final MessageConsumer<JsonObject> consumer;

  /** The one room a {@link #listen} inbox follows, closed with it. */
  private RoomRoutes.Route listened;

  private RoomInbox(Vertx vertx, String nodeId, BiConsumer<String, Message<JsonObject>> handler) {
    this.routes = RoomRoutes.of(vertx);
    this.nodeId = nodeId;
    this.consumer =
        vertx
            .eventBus()
            .consumer(
                Addresses.gatewayRooms(nodeId),
                msg -> {
                  String eventId = msg.headers().get(RoomChannel.EVENT);
                  if (eventId != null) {
                    handler.accept(eventId, msg);
                  }
                });
  }

  /** Opens node {@code nodeId}'s inbox; {@code handler} gets each message with its event id. */
  public static RoomInbox open(
      Vertx vertx, String nodeId, BiConsumer<String, Message<JsonObject>> handler) {
    return new RoomInbox(vertx, nodeId, handler);
  }

  /**
   * A listener of one room, as a gateway node with sockets in it would be (for tests and tools):
   * completes once the room's messages reach {@code handler}.
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
            });
    return inbox
        .ready()
        .compose(
            v -> {
              inbox.listened = inbox.follow(eventId);
              return inbox.listened.ready();
            })
        .map(inbox);
  }

  /** Completes once the consumer is registered in the cluster and the route table is loaded. */
  public Future<Void> ready() {
    return Future.all(consumer.completion(), routes.ready()).mapEmpty();
  }

  /** This node follows {@code eventId} until the route is closed. */
  public RoomRoutes.Route follow(String eventId) {
    return routes.follow(eventId, nodeId);
  }

  public Future<Void> close() {
    if (listened != null) {
      listened.close();
    }
    return consumer.unregister();
  }
}
