package dev.podium.runtime.ownership;

import com.hazelcast.map.IMap;
import dev.podium.runtime.ClusterReach;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Records in a cluster map that only their current owner can change. Each record carries the
 * ownership epoch and the owner's instance id next to the data; taking a record over raises the
 * epoch, and every write or removal is a compare-and-set against the exact record the writer last
 * saw (the map's {@code replace(key, old, new)} / {@code remove(key, old)}, atomic in the cluster
 * engine). An instance that lost a record while it was paused or cut off therefore cannot change it
 * after the new owner took over: its write finds a newer record and fails with {@link Fenced}, and
 * it steps down. Values are JSON text so the engine compares them exactly.
 *
 * <p>The compare-and-set is a fence only where it runs against the cluster's current copy. A member
 * that stood still past Hazelcast's failure detection wakes with the member list and partition
 * table it had: for a moment it still counts a majority and still owns its partitions, and a
 * compare-and-set on its own stale copy of a record succeeds even though the record's new owner
 * raised the epoch in the cluster long ago (the SIGSTOP step of {@code OwnershipScaleOutTest}
 * showed exactly that). For that window the store relies on its instance's {@link Awake}: a write
 * counts only if the instance was awake, in one stint without a pause, from before it was issued
 * until its result arrived. A write the process stood still during fails with {@link Fenced}
 * whatever the map answered, so its caller neither keeps nor announces it.
 *
 * <p>In a cluster every compare-and-set is a Hazelcast entry processor ({@link RecordSwap}), which
 * holds no thread while it waits for a partition; without a cluster (unit tests) the Vert.x map's
 * own conditional calls do the same.
 */
public final class FencedStore {
  private static final int CLAIM_ATTEMPTS = 5;

  private final Vertx vertx;
  private final String mapName;
  private final String instanceId;
  private final Awake awake;

  /** The Hazelcast map behind the records once first used; stays null without a cluster. */
  private IMap<String, String> records;

  /** The keys this member has heard of, once {@link #watchKeys} ran in a cluster. */
  private volatile LiveKeys liveKeys;

  /** Whether the instance may write: {@link ServiceOwnership#stint}. */
  @FunctionalInterface
  public interface Awake {
    /**
     * The number of the instance's current stint awake, which changes with every pause; -1 while it
     * must not write at all (it has just woken from a pause and does not yet know whether it still
     * owns anything).
     */
    long stint();
  }

  public FencedStore(Vertx vertx, String mapName, String instanceId, Awake awake) {
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

  /**
   * Creates a new record at epoch 1; fails with {@link Fenced} if the key exists. Only asked
   * before: a record that did not exist has no other owner to be fenced from (a caller that
   * announces the new record checks its ownership again first).
   */
  public Future<Lease> create(String key, JsonObject data) {
    if (awake.stint() < 0) {
      return Future.failedFuture(new Fenced("paused"));
    }
    String text = envelope(1, data);
    return refusals(swap(key, null, text))
        .compose(
            created ->
                created
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
    return fenced(
            () ->
                read(key)
                    .compose(
                        current -> {
                          if (current == null) {
                            LiveKeys watched = liveKeys;
                            if (watched != null) {
                              watched.forget(key); // a removal this member did not hear of
                            }
                            return Future.succeededFuture(null);
                          }
                          JsonObject record = new JsonObject(current);
                          long epoch = record.getLong("epoch", 0L) + 1;
                          String next = envelope(epoch, record.getJsonObject("data"));
                          return refusals(swap(key, current, next))
                              .map(replaced -> replaced ? new Lease(key, epoch, next) : RETRY);
                        }))
        .compose(
            lease ->
                lease != RETRY
                    ? Future.succeededFuture(lease)
                    // Changed between the read and the swap (a last write of the previous owner):
                    // read again.
                    : attempts > 1
                        ? claim(key, attempts - 1)
                        : Future.failedFuture(new Fenced("record " + key + " kept changing")));
  }

  /** Replaces the data if the record is still exactly what this lease last wrote. */
  public Future<Void> write(Lease lease, JsonObject data) {
    String next = envelope(lease.epoch, data);
    return fenced(() -> swap(lease.key, lease.last, next))
        .compose(
            replaced -> {
              if (!replaced) {
                return Future.failedFuture(
                    new Fenced("record " + lease.key + " has a newer owner"));
              }
              lease.last = next;
              return Future.succeededFuture();
            });
  }

  /** Removes the record if it is still exactly what this lease last wrote. */
  public Future<Void> remove(Lease lease) {
    return fenced(() -> swap(lease.key, lease.last, null))
        .compose(
            removed ->
                removed
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new Fenced("record " + lease.key + " has a newer owner")));
  }

  /**
   * Removes a record nobody holds any more (its event ended while a write of it was on the way), if
   * it is still exactly what was read: a record some owner changes meanwhile stays.
   */
  public Future<Void> removeStale(String key) {
    return fenced(
        () ->
            read(key)
                .compose(
                    current ->
                        current == null
                            ? Future.succeededFuture()
                            : swap(key, current, null).mapEmpty()));
  }

  /** The claim's "read again" (a marker, never handed out). */
  private static final Lease RETRY = new Lease("", 0, "");

  /**
   * Runs a write (with the reads it needs) if this instance is awake, and lets its result count
   * only if the instance is still in the same stint when the result arrives: checked on the thread
   * that goes on to act on the result, so nothing runs between the check and the caller's next step
   * (its announcement of the change).
   */
  private <T> Future<T> fenced(Supplier<Future<T>> write) {
    long stint = awake.stint();
    if (stint < 0) {
      return Future.failedFuture(new Fenced("paused"));
    }
    return refusals(write.get())
        .compose(
            result ->
                awake.stint() == stint
                    ? Future.succeededFuture(result)
                    : Future.failedFuture(
                        new Fenced("this process stood still while the write was on its way")));
  }

  /** The record's data as stored now, or null (reads only: any instance may read). */
  public Future<JsonObject> get(String key) {
    return read(key).map(text -> text == null ? null : new JsonObject(text).getJsonObject("data"));
  }

  public Future<Set<String>> keys() {
    return map().compose(AsyncMap::keys);
  }

  /**
   * Starts keeping a local view of which records exist ({@link LiveKeys}), for {@link #knownKeys};
   * nothing without a cluster.
   */
  public Future<Void> watchKeys() {
    IMap<String, String> cluster = records();
    if (cluster == null || liveKeys != null) {
      return Future.succeededFuture();
    }
    LiveKeys watched = new LiveKeys(vertx, cluster);
    liveKeys = watched;
    return watched.start();
  }

  /** Stops {@link #watchKeys}. */
  public Future<Void> unwatchKeys() {
    LiveKeys watched = liveKeys;
    liveKeys = null;
    return watched == null ? Future.succeededFuture() : watched.stop();
  }

  /**
   * The records this member has heard of, without asking the cluster: a hint that may miss or still
   * hold a few ({@link LiveKeys}); {@link #keys} is the cluster's own answer. Empty unless {@link
   * #watchKeys} ran.
   */
  public Set<String> knownKeys() {
    LiveKeys watched = liveKeys;
    return watched == null ? Set.of() : watched.snapshot();
  }

  /** Every record's data (reads only: any instance may list). */
  public Future<List<JsonObject>> all() {
    return map()
        .compose(AsyncMap::values)
        .map(
            values -> {
              List<JsonObject> data = new ArrayList<>(values.size());
              values.forEach(v -> data.add(new JsonObject(v).getJsonObject("data")));
              return data;
            });
  }

  /**
   * A write the cluster refused because this member's side holds no majority ({@link
   * ClusterMajority}) is fenced too.
   */
  private static <T> Future<T> refusals(Future<T> write) {
    return write.recover(
        e ->
            e instanceof com.hazelcast.splitbrainprotection.SplitBrainProtectionException
                    || e.getCause()
                        instanceof com.hazelcast.splitbrainprotection.SplitBrainProtectionException
                ? Future.failedFuture(new Fenced("this member's cluster holds no majority"))
                : Future.failedFuture(e));
  }

  private String envelope(long epoch, JsonObject data) {
    return new JsonObject().put("epoch", epoch).put("owner", instanceId).put("data", data).encode();
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(mapName);
  }

  /** The record's text as stored now, or null. */
  private Future<String> read(String key) {
    return map().compose(m -> m.get(key));
  }

  /**
   * If the record is exactly {@code expected} (null: absent) it becomes {@code next} (null:
   * removed); true when it did. Atomic in the cluster engine either way.
   */
  private Future<Boolean> swap(String key, String expected, String next) {
    IMap<String, String> cluster = records();
    if (cluster != null) {
      return Future.fromCompletionStage(
          cluster.submitToKey(key, new RecordSwap(expected, next)), vertx.getOrCreateContext());
    }
    return map()
        .compose(
            m ->
                expected == null
                    ? m.putIfAbsent(key, next).map(previous -> previous == null)
                    : next == null
                        ? m.removeIfPresent(key, expected)
                        : m.replaceIfPresent(key, expected, next));
  }

  private IMap<String, String> records() {
    if (records == null && vertx.isClustered()) {
      records =
          ClusterReach.hazelcast(vertx).map(hz -> hz.<String, String>getMap(mapName)).orElse(null);
    }
    return records;
  }
}
