package dev.podium.api.room;

import dev.podium.api.Addresses;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import java.util.List;

/**
 * Room lifecycle: the single source of truth for which events are live and who hosts them.
 */
@ProxyGen
public interface RoomService {

  static RoomService createProxy(Vertx vertx) {
    return new ServiceProxyBuilder(vertx)
        .setAddress(Addresses.ROOM_SERVICE)
        .setOptions(new DeliveryOptions().setSendTimeout(3000))
        .build(RoomService.class);
  }

  /**
   * Starts an event hosted by {@code userId}, or returns the host's event that is still live
   * (for example within the reconnect grace period) with {@code resumed = true}.
   */
  Future<LiveEvent> goLive(String userId, String username);

  /** The live event with this id; fails with {@code event_not_found} if it never existed or has ended. */
  Future<LiveEvent> find(String eventId);

  /** Ends the event; only its host may. Fails with {@code not_host} or {@code event_not_found}. */
  Future<Void> end(String eventId, String userId);

  /**
   * Told by the presence-service whether the host currently has a connected socket. When the
   * host goes away the grace period starts; when the host is back it is cancelled.
   */
  Future<Void> hostPresence(String eventId, boolean present);

  /** Every live event. */
  Future<List<LiveEvent>> liveEvents();
}
