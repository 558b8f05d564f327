package dev.podium.runtime.ownership;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of one cluster map as this member has heard of them: read once when it starts, then kept
 * by the map's "added" and "removed" events (keys only: Hazelcast sends this listener neither
 * values nor updates). A ring change takes in the events it now owns from here at once; asking the
 * cluster instead is a query on every member, which waits for the partitions that move after a
 * member died (0.3–3.8 s in the ownership drill, set BR in docs/benchmarks.md). It is a hint, not
 * the truth: an event can be missed (while the listener registers, across a split) or linger, so
 * the cluster's own listing still follows every ring change and a claim of a key that is gone finds
 * nothing.
 */
public final class LiveKeys {
  private final Set<String> keys = ConcurrentHashMap.newKeySet();
  private final Vertx vertx;
  private final IMap<String, String> map;
  private volatile UUID registration;

  LiveKeys(Vertx vertx, IMap<String, String> map) {
    this.vertx = vertx;
    this.map = map;
  }

  /**
   * Registers for the map's events, then reads its keys once (the listener first, so that a key
   * added meanwhile is not missed). Blocking Hazelcast calls: run on a worker thread.
   */
  Future<Void> start() {
    return vertx.executeBlocking(
        () -> {
          registration = map.addEntryListener(new Changes(), false);
          keys.addAll(map.keySet());
          return null;
        },
        false);
  }

  /** The keys as this member knows them now (a copy). */
  public Set<String> snapshot() {
    return Set.copyOf(keys);
  }

  /** A key whose record turned out to be gone (a claim found nothing). */
  void forget(String key) {
    keys.remove(key);
  }

  Future<Void> stop() {
    UUID id = registration;
    if (id == null) {
      return Future.succeededFuture();
    }
    registration = null;
    return vertx.executeBlocking(
        () -> {
          map.removeEntryListener(id);
          return null;
        },
        false);
  }

  private final class Changes
      implements EntryAddedListener<String, String>, EntryRemovedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      keys.add(event.getKey());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      keys.remove(event.getKey());
    }
  }
}
