package dev.podium.runtime.election;

import dev.podium.api.InstanceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
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
  private static final Logger LOG = LoggerFactory.getLogger(ActiveStandby.class);
  private static final long ANNOUNCE_MS = 250;

  private final Vertx vertx;
  private final String service;
  private final String address;
  private final Duration failover;
  private final Supplier<Future<Void>> load;
  private final Runnable drop;
  private final Supplier<MessageConsumer<JsonObject>> bind;
  private final String instanceId = UUID.randomUUID().toString();
  private final InstanceDirectory instances;
  private MessageConsumer<JsonObject> binding;
  private long announcer = -1;
  private boolean changing;
  /** False until this instance has listened for its peers for one failover period. */
  private boolean settled;
  private boolean stopped;

  /**
   * @param service        the service's name in logs ("room-service")
   * @param address        where the instances announce themselves
   * @param failover       an instance not heard from this long is gone
   * @param proxyAddress   where the active instance binds the service's proxy
   * @param type           the service-proxy interface
   * @param implementation what the proxy calls
   * @param load           loads the shared state on becoming active; the proxy is bound once it has
   * @param drop           drops the in-memory state on standing down: another instance owns it now
   */
  public <T> ActiveStandby(Vertx vertx, String service, String address, Duration failover, String proxyAddress,
      Class<T> type, T implementation, Supplier<Future<Void>> load, Runnable drop) {
    this.vertx = vertx;
    this.service = service;
    this.address = address;
    this.failover = failover;
    this.load = load;
    this.drop = drop;
    this.bind = () -> new ServiceBinder(vertx).setAddress(proxyAddress).register(type, implementation);
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
      return load.get()
          .compose(v -> {
            MessageConsumer<JsonObject> consumer = bind.get();
            return consumer.completion().map(done -> consumer);
          })
          .onSuccess(consumer -> {
            binding = consumer;
            LOG.atInfo().addKeyValue("instance_id", instanceId).log("{} active", service);
          })
          .onFailure(e -> {
            LOG.warn("could not become the active " + service, e);
            drop.run();
          })
          .onComplete(ar -> changing = false)
          .mapEmpty();
    }
    if (!mine && binding != null) {
      LOG.atInfo().addKeyValue("instance_id", instanceId).log("{} standing by", service);
      MessageConsumer<JsonObject> old = binding;
      binding = null;
      drop.run();
      return old.unregister();
    }
    return Future.succeededFuture();
  }
}
