package dev.podium.runtime.ownership;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Records in a cluster map that only their current owner can change. Each record carries the
 * ownership epoch and the owner's instance id next to the data; taking a record over raises the
 * epoch, and every write or removal is a compare-and-set against the exact record the writer last
 * saw (the map's {@code replace(key, old, new)} / {@code remove(key, old)}, atomic in the cluster
 * engine). An instance that lost a record while it was paused or cut off therefore cannot change
 * it after the new owner took over: its write finds a newer record and fails with
 * {@link Fenced}, and it steps down. Values are JSON text so the engine compares them exactly.
 */
public final class FencedStore {
  private static final int CLAIM_ATTEMPTS = 5;

  private final Vertx vertx;
  private final String mapName;
  private final String instanceId;
  private final BooleanSupplier awake;

  /**
   * @param awake false while this instance must not write at all (it has just woken from a pause
   *              and does not yet know whether it still owns anything)
   */
  public FencedStore(Vertx vertx, String mapName, String instanceId, BooleanSupplier awake) {
    this.vertx = vertx;
    this.mapName = mapName;
    this.instanceId = instanceId;
    this.awake = awake;
  }

  /** This instance's hold on one record: the epoch it took it at and the record as last written. */
  public static final class Lease {
    private final String key;
    private final long epoch;
    private String last;

    Lease(String key, long epoch, String last) {
      this.key = key;
      this.epoch = epoch;
      this.last = last;
    }

    public String key() {
      return key;
    }

    public long epoch() {
      return epoch;
    }

    /** The data as last written or read. */
    public JsonObject data() {
      return new JsonObject(last).getJsonObject("data");
    }
  }

  /** A write refused because another instance owns the record now (or this one was paused). */
  public static final class Fenced extends RuntimeException {
    public Fenced(String message) {
      super(message, null, false, false);
    }
  }

  /** Creates a new record at epoch 1; fails with {@link Fenced} if the key exists. */
  public Future<Lease> create(String key, JsonObject data) {
    if (!awake.getAsBoolean()) {
      return Future.failedFuture(new Fenced("paused"));
    }
    String text = envelope(1, data);
    return refusals(map().compose(m -> m.putIfAbsent(key, text))).compose(previous -> previous == null
        ? Future.succeededFuture(new Lease(key, 1, text))
        : Future.failedFuture(new Fenced("record " + key + " exists")));
  }

  /**
   * Takes the record over: raises its epoch and names this instance its owner. Null when there is
   * no such record (the event has ended).
   */
  public Future<Lease> claim(String key) {
    return claim(key, CLAIM_ATTEMPTS);
  }

  private Future<Lease> claim(String key, int attempts) {
    if (!awake.getAsBoolean()) {
      return Future.failedFuture(new Fenced("paused"));
    }
    return map().compose(m -> m.get(key).compose(current -> {
      if (current == null) {
        return Future.succeededFuture(null);
      }
      JsonObject record = new JsonObject(current);
      long epoch = record.getLong("epoch", 0L) + 1;
      String next = envelope(epoch, record.getJsonObject("data"));
      return refusals(m.replaceIfPresent(key, current, next)).compose(replaced -> {
        if (replaced) {
          return Future.succeededFuture(new Lease(key, epoch, next));
        }
        // Changed between the read and the swap (a last write of the previous owner): read again.
        return attempts > 1 ? claim(key, attempts - 1) : Future.failedFuture(new Fenced("record " + key + " kept changing"));
      });
    }));
  }

  /** Replaces the data if the record is still exactly what this lease last wrote. */
  public Future<Void> write(Lease lease, JsonObject data) {
    if (!awake.getAsBoolean()) {
      return Future.failedFuture(new Fenced("paused"));
    }
    String next = envelope(lease.epoch, data);
    return refusals(map().compose(m -> m.replaceIfPresent(lease.key, lease.last, next))).compose(replaced -> {
      if (!replaced) {
        return Future.failedFuture(new Fenced("record " + lease.key + " has a newer owner"));
      }
      lease.last = next;
      return Future.succeededFuture();
    });
  }

  /** Removes the record if it is still exactly what this lease last wrote. */
  public Future<Void> remove(Lease lease) {
    if (!awake.getAsBoolean()) {
      return Future.failedFuture(new Fenced("paused"));
    }
    return refusals(map().compose(m -> m.removeIfPresent(lease.key, lease.last))).compose(removed -> removed
        ? Future.succeededFuture()
        : Future.failedFuture(new Fenced("record " + lease.key + " has a newer owner")));
  }

  /**
   * Removes a record nobody holds any more (its event ended while a write of it was on the way),
   * if it is still exactly what was read: a record some owner changes meanwhile stays.
   */
  public Future<Void> removeStale(String key) {
    if (!awake.getAsBoolean()) {
      return Future.failedFuture(new Fenced("paused"));
    }
    return map().compose(m -> m.get(key).compose(current -> current == null
        ? Future.succeededFuture()
        : refusals(m.removeIfPresent(key, current)).mapEmpty()));
  }

  /** The record's data as stored now, or null (reads only: any instance may read). */
  public Future<JsonObject> get(String key) {
    return map().compose(m -> m.get(key)).map(text -> text == null ? null : new JsonObject(text).getJsonObject("data"));
  }

  public Future<Set<String>> keys() {
    return map().compose(AsyncMap::keys);
  }

  /** Every record's data (reads only: any instance may list). */
  public Future<List<JsonObject>> all() {
    return map().compose(AsyncMap::values).map(values -> {
      List<JsonObject> data = new ArrayList<>(values.size());
      values.forEach(v -> data.add(new JsonObject(v).getJsonObject("data")));
      return data;
    });
  }

  /** A write the cluster refused because this member's side holds no majority ({@link ClusterMajority}) is fenced too. */
  private static <T> Future<T> refusals(Future<T> write) {
    return write.recover(e -> e instanceof com.hazelcast.splitbrainprotection.SplitBrainProtectionException
        || e.getCause() instanceof com.hazelcast.splitbrainprotection.SplitBrainProtectionException
        ? Future.failedFuture(new Fenced("this member's cluster holds no majority"))
        : Future.failedFuture(e));
  }

  private String envelope(long epoch, JsonObject data) {
    return new JsonObject().put("epoch", epoch).put("owner", instanceId).put("data", data).encode();
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(mapName);
  }
}
