package dev.podium.runtime.rooms;

import dev.podium.api.Addresses;
import dev.podium.api.RoomMessageRouting;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How a publisher (a service, or a gateway relaying signalling) sends a message to a live room:
 * once to each gateway node that holds sockets of the event ({@link RoomRoutes}), at that node's
 * own address {@link Addresses#gatewayRooms(String)}, with the event id in the {@link #EVENT}
 * header beside the {@link RoomMessageRouting} headers. Media (a relay's mixed ticks, a host's
 * screen chunks) goes the same way to {@link Addresses#gatewayMedia(String)}. A node that holds
 * nobody of the room gets nothing; {@link RoomInbox} receives both at the node.
 */
public final class RoomChannel {
  /** The header naming the message's event. */
  public static final String EVENT = "event";

  private final EventBus bus;
  private final RoomRoutes routes;

  public RoomChannel(Vertx vertx) {
    this.bus = vertx.eventBus();
    this.routes = RoomRoutes.of(vertx);
  }

  /** To everyone in the room, changing nothing else. */
  public void publish(String eventId, JsonObject message) {
    publish(eventId, message, RoomMessageRouting.ROOM);
  }

  public void publish(String eventId, JsonObject message, RoomMessageRouting routing) {
    List<String> nodes = routes.nodes(eventId);
    if (nodes.isEmpty()) {
      return;
    }
    DeliveryOptions options = routing.toDeliveryOptions().addHeader(EVENT, eventId);
    for (String node : nodes) {
      bus.send(Addresses.gatewayRooms(node), message, options);
    }
  }

  /**
   * One encoded {@code MediaPacket} for the room's gateway nodes: one send per node. Returns how
   * many nodes it went to.
   */
  public int publishMedia(String eventId, Buffer packet) {
    List<String> nodes = routes.nodes(eventId);
    if (nodes.isEmpty()) {
      return 0;
    }
    DeliveryOptions options = new DeliveryOptions().addHeader(EVENT, eventId);
    for (String node : nodes) {
      bus.send(Addresses.gatewayMedia(node), packet, options);
    }
    return nodes.size();
  }
}
