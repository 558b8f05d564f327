package dev.podium.runtime.election;

import dev.podium.api.InstanceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly one active instance among any number of instances of a service that keeps its working
 * state in one place (the room-service, the presence-service). The instances announce themselves
 * on an address every 250 ms and elect the active one by rendezvous hashing
 * ({@link InstanceDirectory}), so every instance that hears the same announcements agrees. The
 * active one binds the service's proxy; when it dies or leaves, another activates (loading the
 * cluster copy of the state) within the failover period.
 */
public final class ActiveStandby {
  /** What becoming active and standing down mean for one service. */
  public interface Role {
    /** Loads the shared state and binds the proxy; the consumer is unregistered on standing down. */
    Future<MessageConsumer<JsonObject>> activate();

    /** Drops the in-memory state: another instance owns it now. */
    void deactivate();
  }

  private static final Logger LOG = LoggerFactory.getLogger(ActiveStandby.class);
  private static final long ANNOUNCE_MS = 250;

  private final Vertx vertx;
  private final String service;
  private final String address;
  private final Duration failover;
  private final Role role;
  private final String instanceId = UUID.randomUUID().toString();
  private final InstanceDirectory instances;
  private MessageConsumer<JsonObject> binding;
  private long announcer = -1;
  private boolean changing;
  /** False until this instance has listened for its peers for one failover period. */
  private boolean settled;
  private boolean stopped;

  /**
   * @param service  the service's name in logs ("room-service")
   * @param address  where the instances announce themselves
   * @param failover an instance not heard from this long is gone
   */
  public ActiveStandby(Vertx vertx, String service, String address, Duration failover, Role role) {
    this.vertx = vertx;
    this.service = service;
    this.address = address;
    this.failover = failover;
    this.role = role;
    this.instances = new InstanceDirectory(failover.toNanos());
  }

  public boolean isActive() {
    return binding != null;
  }

  /** Joins the election; completes once this instance has decided whether it is the active one. */
  public Future<Void> start() {
    instances.seen(instanceId, System.nanoTime());
    JsonObject beat = new JsonObject().put("instance_id", instanceId);
    Future<Void> peers = vertx.eventBus().<JsonObject>consumer(address, msg -> {
      String id = msg.body().getString("instance_id");
      if (msg.body().getBoolean("leaving", false)) {
        instances.forget(id);
        elect();
      } else {
        instances.seen(id, System.nanoTime());
      }
    }).completion();
    return peers.compose(v -> {
      vertx.eventBus().publish(address, beat);
      announcer = vertx.setPeriodic(ANNOUNCE_MS, id -> {
        vertx.eventBus().publish(address, beat);
        elect();
      });
      // Hear the others for one failover period before deciding, so a newcomer never takes over
      // from a healthy active instance it simply has not heard yet.
      Promise<Void> decided = Promise.promise();
      vertx.setTimer(Math.max(1, failover.toMillis()), id -> {
        settled = true;
        elect().onComplete(decided);
      });
      return decided.future();
    });
  }

  /**
   * Leaves the election: stops announcing, unbinds, and tells the others at once, so a clean stop
   * hands over without waiting for the failover period.
   */
  public Future<Void> stop() {
    stopped = true;
    if (announcer >= 0) {
      vertx.cancelTimer(announcer);
    }
    Future<Void> unbound = binding == null ? Future.succeededFuture() : binding.unregister();
    binding = null;
    return unbound.onComplete(ar -> vertx.eventBus().publish(address,
        new JsonObject().put("instance_id", instanceId).put("leaving", true)));
  }

  private Future<Void> elect() {
    if (changing || !settled || stopped) {
      return Future.succeededFuture();
    }
    long now = System.nanoTime();
    instances.seen(instanceId, now);
    boolean mine = instanceId.equals(instances.owner(service, now));
    if (mine && binding == null) {
      changing = true;
      return role.activate()
          .onSuccess(consumer -> {
            binding = consumer;
            LOG.atInfo().addKeyValue("instance_id", instanceId).log("{} active", service);
          })
          .onFailure(e -> {
            LOG.warn("could not become the active " + service, e);
            role.deactivate();
          })
          .onComplete(ar -> changing = false)
          .mapEmpty();
    }
    if (!mine && binding != null) {
      LOG.atInfo().addKeyValue("instance_id", instanceId).log("{} standing by", service);
      MessageConsumer<JsonObject> old = binding;
      binding = null;
      role.deactivate();
      return old.unregister();
    }
    return Future.succeededFuture();
  }
}
