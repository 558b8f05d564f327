package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.serviceproxy.ServiceBinder;
import java.time.Clock;

/** Binds the room-service proxy on {@link Addresses#ROOM_SERVICE}. */
public final class RoomServiceVerticle extends VerticleBase {
  private final RoomConfig config;

  public RoomServiceVerticle(RoomConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    RoomService service = new RoomServiceImpl(vertx, config,
        new RoomRegistry(Clock.systemUTC(), config.cohostLimit()), PresenceService.createProxy(vertx));
    return new ServiceBinder(vertx).setAddress(Addresses.ROOM_SERVICE)
        .register(RoomService.class, service)
        .completion();
  }
}
