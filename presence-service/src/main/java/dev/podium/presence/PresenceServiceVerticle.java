package dev.podium.presence;

import dev.podium.api.Addresses;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the presence-service proxy, follows room lifecycle notices and gateway heartbeats, and
 * sweeps dead gateway nodes.
 */
public final class PresenceServiceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceServiceVerticle.class);
  private final PresenceConfig config;

  public PresenceServiceVerticle(PresenceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    PresenceServiceImpl service = new PresenceServiceImpl(vertx, config, RoomService.createProxy(vertx));
    Future<Void> lifecycle = vertx.eventBus().<JsonObject>consumer(Addresses.ROOM_LIFECYCLE,
        msg -> service.onLifecycle(msg.body())).completion();
    Future<Void> heartbeats = vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_HEARTBEAT,
        msg -> service.onHeartbeat(msg.body().getString("node_id"))).completion();
    long sweep = Math.max(100, config.nodeTimeout().toMillis() / 5);
    vertx.setPeriodic(sweep, id -> service.expireDeadNodes());
    Future<Void> bound = new ServiceBinder(vertx).setAddress(Addresses.PRESENCE_SERVICE)
        .register(PresenceService.class, service)
        .completion();
    return Future.all(lifecycle, heartbeats, bound).onSuccess(v ->
        // Events that started before this instance did (a restart) still belong in the list.
        RoomService.createProxy(vertx).liveEvents()
            .onSuccess(events -> service.seed(events.stream().map(LiveEvent::toJson).toList()))
            .onFailure(e -> LOG.info("room-service not reachable yet; active streams fill from lifecycle notices")));
  }
}
