package dev.podium.presence;

import dev.podium.api.Addresses;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.election.ActiveStandby;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * One presence-service instance. Any number may run; exactly one is active ({@link ActiveStandby}):
 * it binds the proxy, follows room lifecycle notices and sweeps dead gateway nodes, and keeps the
 * memberships in the cluster too, so a standby takes over with everyone still in their events.
 * Every instance hears the gateways' heartbeats, so a standby that takes over already knows which
 * nodes are alive.
 */
public final class PresenceServiceVerticle extends VerticleBase {
  private final PresenceConfig config;
  private ActiveStandby election;

  public PresenceServiceVerticle(PresenceConfig config) {
    this.config = config;
  }

  /** Whether this instance is the active one now. */
  public boolean isActive() {
    return election != null && election.isActive();
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
    election = new ActiveStandby(vertx, "presence-service", Addresses.PRESENCE_INSTANCES, config.failover(),
        Addresses.PRESENCE_SERVICE, PresenceService.class, service, service::activate, service::deactivate);
    return Future.all(lifecycle, heartbeats).compose(v -> election.start());
  }

  @Override
  public Future<?> stop() {
    return election.stop();
  }
}
