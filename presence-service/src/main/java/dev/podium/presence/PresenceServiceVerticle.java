package dev.podium.presence;

import dev.podium.api.Addresses;
import dev.podium.api.GatewayHeartbeat;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.presence.ResyncBatch;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.ownership.FencedStore;
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
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One presence-service instance. Any number may run, all active: each owns the events the service's
 * ring gives it ({@link ServiceOwnership}, from Hazelcast's membership), as the room-service's
 * instances do. It binds the proxy on {@link Addresses#PRESENCE_SERVICE}, shared by all instances,
 * where a call for an event owned elsewhere is forwarded once ({@link OwnerRouting}) and calls
 * spanning events are answered by {@link SharedEntry}; and on its own address ({@link
 * Addresses#presenceInstance}), where forwarded calls arrive. Every instance hears the lifecycle
 * notices (the owner of each event acts on them) and the gateways' heartbeats (each sweeps dead
 * nodes out of its own events).
 */
public final class PresenceServiceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceServiceVerticle.class);

  /** Below the callers' 3 s send timeout, so a forwarded call fails before the caller gives up. */
  private static final long FORWARD_TIMEOUT_MS = 2_500;

  /** How often an instance checks that it holds every live event it owns and none that ended. */
  private static final long RECONCILE_MS = 10_000;

  /** Longest a clean stop waits for the last writes of its events before it leaves the ring. */
  private static final long STOP_FLUSH_MS = 2_000;

  private final PresenceConfig config;
  private ServiceOwnership ownership;
  private FencedStore eventStore;
  private PresenceServiceImpl service;
  private MessageConsumer<JsonObject> own;
  private MessageConsumer<JsonObject> shared;

  public PresenceServiceVerticle(PresenceConfig config) {
    this.config = config;
  }

  /** How many events this instance owns now. */
  public int ownedEvents() {
    return service == null ? 0 : service.ownedEvents();
  }

  /** Whether this instance owns the event now (tests). */
  boolean ownsEvent(String eventId) {
    return ownership != null && ownership.owns(eventId);
  }

  @Override
  public Future<?> start() {
    ownership = new ServiceOwnership(vertx, Addresses.PRESENCE_SERVICE_RING, config.pauseLimit());
    String self = ownership.instanceId();
    eventStore = new FencedStore(vertx, ClusterCopy.EVENTS, self, ownership::stint);
    service =
        new PresenceServiceImpl(
            vertx,
            config,
            RoomService.createProxy(vertx),
            ownership,
            eventStore,
            new FencedStore(vertx, ClusterCopy.STREAMS, self, ownership::stint));
    Gauge.builder("podium_owned_events", service, PresenceServiceImpl::ownedEvents)
        .tag("service", "presence-service")
        .description("Live events this instance owns")
        .register(Observability.registry(vertx));
    DeliveryOptions forward = new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MS);
    Function<String, PresenceService> instance =
        id ->
            new ServiceProxyBuilder(vertx)
                .setAddress(Addresses.presenceInstance(id))
                .setOptions(forward)
                .build(PresenceService.class);
    PresenceService routed =
        OwnerRouting.route(
            PresenceService.class,
            new SharedEntry(service, ownership, instance),
            instance,
            ownership,
            Addresses.PRESENCE_UNKEYED_CALLS);
    Future<Void> lifecycle =
        vertx
            .eventBus()
            .<JsonObject>consumer(Addresses.ROOM_LIFECYCLE, msg -> service.onLifecycle(msg.body()))
            .completion();
    Future<Void> heartbeats =
        vertx
            .eventBus()
            .consumer(
                Addresses.GATEWAY_HEARTBEAT,
                msg -> {
                  try {
                    GatewayHeartbeat beat = GatewayHeartbeat.fromJson(msg.body());
                    service.onHeartbeat(beat.nodeId(), beat.member());
                  } catch (IllegalArgumentException unreadable) {
                    LOG.atDebug().log("heartbeat dropped: {}", unreadable.getMessage());
                  }
                })
            .completion();
    Future<Void> resyncs =
        vertx
            .eventBus()
            .consumer(
                Addresses.presenceResyncReply(self),
                msg -> {
                  ResyncBatch batch;
                  try {
                    batch = ResyncBatch.fromJson(msg.body());
                  } catch (IllegalArgumentException unreadable) {
                    msg.fail(400, unreadable.getMessage());
                    return;
                  }
                  if (service.onResyncBatch(batch)) {
                    msg.reply(null);
                  } else {
                    msg.fail(404, "no resync of this event here");
                  }
                })
            .completion();
    long sweep = Math.max(100, config.nodeTimeout().toMillis() / 5);
    vertx.setPeriodic(sweep, id -> service.expireDeadNodes());
    vertx.setPeriodic(RECONCILE_MS, id -> service.reconcile());
    // Its own address first: once this instance is in the ring, others forward to it at once.
    own =
        new ServiceBinder(vertx)
            .setAddress(Addresses.presenceInstance(self))
            .register(PresenceService.class, OwnerRouting.guarded(PresenceService.class, service));
    return Future.all(
            List.of(
                lifecycle,
                heartbeats,
                resyncs,
                own.completion(),
                RoomRoutes.of(vertx).ready(),
                eventStore.watchKeys()))
        .compose(v -> ownership.start(service::ringChanged))
        .compose(
            v -> {
              shared =
                  new ServiceBinder(vertx)
                      .setAddress(Addresses.PRESENCE_SERVICE)
                      .register(PresenceService.class, routed);
              return shared.completion();
            })
        .onSuccess(
            v -> {
              service.reconcile();
              service.startListing();
            });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unbound = shared == null ? Future.succeededFuture() : shared.unregister();
    // Calls for this instance's events fail (callers retry) until the others have taken them over:
    // its last changes are written first, then leaving the ring hands the events over at once.
    return unbound
        .transform(ar -> own.unregister())
        .transform(
            ar ->
                service
                    .flushAll()
                    .timeout(STOP_FLUSH_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
        .transform(ar -> ownership.stop())
        .transform(
            ar -> {
              service.dropAll();
              return eventStore.unwatchKeys();
            });
  }
}
