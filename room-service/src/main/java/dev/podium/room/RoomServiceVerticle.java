package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.election.ActiveStandby;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;

/**
 * One room-service instance. Any number may run; exactly one is active ({@link ActiveStandby}).
 * The active instance binds the proxy on {@link Addresses#ROOM_SERVICE} and writes every change
 * to the cluster copy of the rooms; a standby that becomes active (the active one died or left)
 * loads that copy, re-arms its timers and binds the proxy. One active instance is what makes
 * each event's operations apply in one order.
 */
public final class RoomServiceVerticle extends VerticleBase {
  private final RoomConfig config;
  private ActiveStandby election;

  public RoomServiceVerticle(RoomConfig config) {
    this.config = config;
  }

  /** Whether this instance is the active one now. */
  public boolean isActive() {
    return election != null && election.isActive();
  }

  @Override
  public Future<?> start() {
    RoomServiceImpl service = new RoomServiceImpl(vertx, config,
        new RoomRegistry(Clock.systemUTC(), config.cohostLimit()), PresenceService.createProxy(vertx));
    election = new ActiveStandby(vertx, "room-service", Addresses.ROOM_INSTANCES, config.failover(),
        Addresses.ROOM_SERVICE, RoomService.class, service, service::activate, service::deactivate);
    return election.start();
  }

  @Override
  public Future<?> stop() {
    return election.stop();
  }
}
