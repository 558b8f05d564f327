package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.InstanceDirectory;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One room-service instance. Any number may run; exactly one is active: the instances announce
 * themselves every 250 ms and elect the active one by rendezvous hashing ({@link InstanceDirectory}).
 * The active instance binds the proxy on {@link Addresses#ROOM_SERVICE} and writes every change
 * to the cluster copy of the rooms; a standby that becomes active (the active one died or left)
 * loads that copy, re-arms its timers and binds the proxy. One active instance is what makes
 * each event's operations apply in one order.
 */
public final class RoomServiceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RoomServiceVerticle.class);
  private static final String ELECTION = "room-service";

  private final RoomConfig config;
  private final String instanceId = UUID.randomUUID().toString();
  private RoomServiceImpl service;
  private InstanceDirectory instances;
  private MessageConsumer<JsonObject> binding;
  private boolean changing;
  /** False until this instance has listened for its peers for one failover period. */
  private boolean settled;

  public RoomServiceVerticle(RoomConfig config) {
    this.config = config;
  }

  /** Whether this instance is the active one now. */
  public boolean isActive() {
    return binding != null;
  }

  @Override
  public Future<?> start() {
    service = new RoomServiceImpl(vertx, config, new RoomRegistry(Clock.systemUTC(), config.cohostLimit()),
        PresenceService.createProxy(vertx));
    instances = new InstanceDirectory(config.failover().toNanos());
    instances.seen(instanceId, System.nanoTime());
    JsonObject beat = new JsonObject().put("instance_id", instanceId);
    Future<Void> peers = vertx.eventBus().<JsonObject>consumer(Addresses.ROOM_INSTANCES,
        msg -> instances.seen(msg.body().getString("instance_id"), System.nanoTime())).completion();
    return peers.compose(v -> {
      vertx.eventBus().publish(Addresses.ROOM_INSTANCES, beat);
      vertx.setPeriodic(Addresses.MEDIA_RELAY_HEARTBEAT_MS, id -> {
        vertx.eventBus().publish(Addresses.ROOM_INSTANCES, beat);
        elect();
      });
      // Hear the others for one failover period before deciding, so a newcomer never takes over
      // from a healthy active instance it simply has not heard yet.
      Promise<Void> decided = Promise.promise();
      vertx.setTimer(Math.max(1, config.failover().toMillis()), id -> {
        settled = true;
        elect().onComplete(decided);
      });
      return decided.future();
    });
  }

  private Future<Void> elect() {
    if (changing || !settled) {
      return Future.succeededFuture();
    }
    long now = System.nanoTime();
    instances.seen(instanceId, now);
    boolean mine = instanceId.equals(instances.owner(ELECTION, now));
    if (mine && binding == null) {
      changing = true;
      return service.activate()
          .compose(v -> {
            MessageConsumer<JsonObject> consumer = new ServiceBinder(vertx).setAddress(Addresses.ROOM_SERVICE)
                .register(RoomService.class, service);
            return consumer.completion().map(done -> consumer);
          })
          .onSuccess(consumer -> {
            binding = consumer;
            LOG.atInfo().addKeyValue("instance_id", instanceId).log("room-service active");
          })
          .onFailure(e -> {
            LOG.warn("could not become the active room-service", e);
            service.deactivate();
          })
          .onComplete(ar -> changing = false)
          .mapEmpty();
    }
    if (!mine && binding != null) {
      LOG.atInfo().addKeyValue("instance_id", instanceId).log("room-service standing by");
      MessageConsumer<JsonObject> old = binding;
      binding = null;
      service.deactivate();
      return old.unregister();
    }
    return Future.succeededFuture();
  }
}
