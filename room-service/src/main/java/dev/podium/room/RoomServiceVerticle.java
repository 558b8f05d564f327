package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.ownership.FencedStore;
import dev.podium.runtime.ownership.OwnerClient;
import dev.podium.runtime.ownership.OwnerRouting;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomRoutes;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import java.time.Clock;

/**
 * One room-service instance. Any number may run, all active: each owns the events the service's
 * ring gives it ({@link ServiceOwnership}, from Hazelcast's membership). The instance binds the
 * proxy twice: on {@link Addresses#ROOM_SERVICE}, shared by all instances, where a call for an
 * event owned elsewhere is forwarded once ({@link OwnerRouting}); and on its own address ({@link
 * Addresses#roomInstance}), where the forwarded calls arrive.
 */
public final class RoomServiceVerticle extends VerticleBase {
  /** Below the callers' 3 s send timeout, so a forwarded call fails before the caller gives up. */
  private static final long FORWARD_TIMEOUT_MS = 2_500;

  private final RoomConfig config;
  private ServiceOwnership ownership;
  private FencedStore store;

  /** Presence calls go straight to the event's presence owner. */
  private OwnerClient<PresenceService> presence;

  private RoomServiceImpl service;
  private MessageConsumer<JsonObject> own;
  private MessageConsumer<JsonObject> shared;

  public RoomServiceVerticle(RoomConfig config) {
    this.config = config;
  }

  /** How many events this instance owns now. */
  public int ownedEvents() {
    return service == null ? 0 : service.ownedEvents();
  }

  @Override
  public Future<?> start() {
    ownership = new ServiceOwnership(vertx, Addresses.ROOM_SERVICE_RING, config.pauseLimit());
    presence = OwnerClient.presence(vertx);
    store = new FencedStore(vertx, RoomServiceImpl.STORE, ownership.instanceId(), ownership::stint);
    service =
        new RoomServiceImpl(
            vertx,
            config,
            new RoomRegistry(Clock.systemUTC(), config.cohostLimit()),
            presence.client(),
            ownership,
            store);
    Gauge.builder("podium_owned_events", service, RoomServiceImpl::ownedEvents)
        .tag("service", "room-service")
        .description("Live events this instance owns")
        .register(Observability.registry(vertx));
    DeliveryOptions forward = new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MS);
    RoomService routed =
        OwnerRouting.route(
            RoomService.class,
            service,
            id ->
                new ServiceProxyBuilder(vertx)
                    .setAddress(Addresses.roomInstance(id))
                    .setOptions(forward)
                    .build(RoomService.class),
            ownership,
            Addresses.ROOM_UNKEYED_CALLS);
    // Its own address first: once this instance is in the ring, others forward to it at once.
    own =
        new ServiceBinder(vertx)
            .setAddress(Addresses.roomInstance(ownership.instanceId()))
            .register(RoomService.class, OwnerRouting.guarded(RoomService.class, service));
    return Future.all(
            own.completion(), presence.start(), RoomRoutes.of(vertx).ready(), store.watchKeys())
        .compose(v -> ownership.start(service::ringChanged))
        .compose(
            v -> {
              shared =
                  new ServiceBinder(vertx)
                      .setAddress(Addresses.ROOM_SERVICE)
                      .register(RoomService.class, routed);
              return shared.completion();
            });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unbound = shared == null ? Future.succeededFuture() : shared.unregister();
    // Leaving the ring hands this instance's events to the others at once (they claim them at a new
    // epoch).
    return unbound
        .transform(ar -> ownership.stop())
        .transform(
            ar -> {
              service.dropAll();
              return Future.all(own.unregister(), presence.stop(), store.unwatchKeys()).mapEmpty();
            });
  }
}
