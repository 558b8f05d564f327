package dev.podium.runtime.rooms;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import dev.podium.runtime.ClusterReach;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateway nodes hold sockets of which live event: the table {@link RoomChannel} routes room
 * messages by. One per process ({@link #of}), shared by the gateway and the services in it.
 *
 * <p>Why not an event-bus address per room: a publisher resolves such an address through Vert.x's
 * subscription map (a Hazelcast multimap read) the first time it uses it, and holds every message
 * to it until that read answers. A service instance that has just taken over events uses hundreds
 * of addresses it never used, while the dead member's partitions move: the ownership drill measured
 * its room messages arriving up to 14 s late (docs/benchmarks.md, set AR). Here the table is a
 * Hazelcast {@link ReplicatedMap}: every member holds all of it and reads it locally, and the
 * messages go to each gateway node's own address, which every publisher resolved long before.
 *
 * <p>An entry is one gateway node following one event: key {@code <member uuid>:<sequence>} (never
 * reused, so a late removal cannot remove a newer follow), value {@code <node id>\n<event id>}. The
 * gateway writes it when its first socket of the event arrives and removes it when its last leaves;
 * the oldest member removes the entries of a member that left. Each process keeps an index by
 * event, fed by the map's entry events.
 */
public final class RoomRoutes implements Shareable {
  static final String MAP = "podium.room.routes";

  /** Asks every process to write its own routes again (a member that merged back lacks them). */
  static final String RESEND = "podium.room.routes.resend";

  private static final String LOCAL_MAP = "podium.runtime.room-routes";
  private static final Logger LOG = LoggerFactory.getLogger(RoomRoutes.class);

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;

  /** This process's Hazelcast member, which a merge after a split replaces. */
  private volatile String member;

  private final AtomicLong sequence = new AtomicLong();
  private final Promise<Void> started = Promise.promise();

  /** Event id → its followers (route key → node id), replaced whole on every change. */
  private final Map<String, Followers> byEvent = new ConcurrentHashMap<>();

  /** Route key → event id, for removals that arrive without their old value. */
  private final Map<String, String> eventOfKey = new ConcurrentHashMap<>();

  /** The routes this process follows and has not closed (clustered only). */
  private final Set<Route> own = ConcurrentHashMap.newKeySet();

  private volatile ReplicatedMap<String, String> routes;

  /** One event's followers, immutable. */
  private record Followers(Map<String, String> keys, List<String> nodes) {
    static final Followers NONE = new Followers(Map.of(), List.of());

    Followers with(String key, String node) {
      Map<String, String> next = new HashMap<>(keys);
      next.put(key, node);
      return of(next);
    }

    Followers without(String key) {
      if (!keys.containsKey(key)) {
        return this;
      }
      Map<String, String> next = new HashMap<>(keys);
      next.remove(key);
      return next.isEmpty() ? null : of(next);
    }

    private static Followers of(Map<String, String> keys) {
      return new Followers(Map.copyOf(keys), List.copyOf(new LinkedHashSet<>(keys.values())));
    }
  }

  private RoomRoutes(Vertx vertx, Optional<HazelcastInstance> hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast.orElse(null);
    this.member =
        hazelcast.map(h -> h.getCluster().getLocalMember().getUuid().toString()).orElse("local");
  }

  /**
   * This process's table (one per Vert.x instance). Clustered, it is usable once {@link #ready()}
   * completes: a service or gateway starts only after that.
   */
  public static RoomRoutes of(Vertx vertx) {
    LocalMap<String, RoomRoutes> holder = vertx.sharedData().getLocalMap(LOCAL_MAP);
    synchronized (RoomRoutes.class) {
      RoomRoutes routes = holder.get(LOCAL_MAP);
      if (routes == null) {
        routes = new RoomRoutes(vertx, ClusterReach.hazelcast(vertx));
        holder.put(LOCAL_MAP, routes);
        routes.start();
      }
      return routes;
    }
  }

  /** Completes once the table holds what the cluster knows. */
  public Future<Void> ready() {
    return started.future();
  }

  /** The gateway nodes following {@code eventId} (empty when none); any thread. */
  public List<String> nodes(String eventId) {
    Followers followers = byEvent.get(eventId);
    return followers == null ? List.of() : followers.nodes();
  }

  /**
   * Gateway node {@code nodeId} follows {@code eventId} until the returned route is closed. This
   * process's table holds the route at once; its {@link Route#ready()} completes once the cluster
   * has taken the write (the other processes' copies follow within milliseconds, as Vert.x's own
   * subscriptions do).
   */
  public Route follow(String eventId, String nodeId) {
    if (nodeId.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a node id cannot hold a line break: " + nodeId);
    }
    Route route = new Route(nextKey(), nodeId + "\n" + eventId);
    // This process's publishers reach the node at once, as they reach a local consumer the moment
    // it is registered: a host that ends its event while its own join is still being written must
    // hear the end.
    accept(route.key, route.value);
    if (hazelcast == null) {
      route.written = Future.succeededFuture();
      return route;
    }
    own.add(route);
    String key = route.key;
    route.written =
        ready()
            .compose(
                v ->
                    vertx.executeBlocking(
                        () -> {
                          routes.put(key, route.value);
                          return null;
                        },
                        false));
    return route;
  }

  private String nextKey() {
    return member + ":" + sequence.incrementAndGet();
  }

  /** One node following one event. */
  public final class Route {
    private final String value;

    /** Its key in the map; a new one after a merge gave this process a new member. */
    private volatile String key;

    private volatile Future<Void> written;

    private Route(String key, String value) {
      this.key = key;
      this.value = value;
    }

    public Future<Void> ready() {
      return written;
    }

    /**
     * Stops following: at once in this process, and in the map after the write, never before it, so
     * the removal cannot overtake it.
     */
    public Future<Void> close() {
      own.remove(this);
      String last = key;
      drop(last);
      if (hazelcast == null) {
        return Future.succeededFuture();
      }
      return written
          .otherwiseEmpty()
          .compose(
              v ->
                  vertx.executeBlocking(
                      () -> {
                        routes.remove(last);
                        return null;
                      },
                      false));
    }
  }

  /**
   * After a split heals, Hazelcast gives the members that merged into the larger side new UUIDs,
   * and the others forget the routes keyed by the old ones: this process writes its routes again
   * under its new member (as Vert.x re-publishes its subscriptions).
   */
  private void merged() {
    member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    int moved = 0;
    for (Route route : own) {
      String old = route.key;
      String key = nextKey();
      route.key = key;
      accept(key, route.value);
      routes.put(key, route.value);
      drop(old);
      routes.remove(old);
      if (!own.contains(route)) {
        // Closed meanwhile: its close removed the old key only.
        drop(key);
        routes.remove(key);
      }
      moved++;
    }
    // The merge replaced this member's copy of the map with the cluster's: read it again whole.
    byEvent.clear();
    eventOfKey.clear();
    for (Map.Entry<String, String> entry : routes.entrySet()) {
      if (alive(memberOf(entry.getKey()))) {
        accept(entry.getKey(), entry.getValue());
      }
    }
    LOG.info("merged into the cluster: wrote {} room routes again as member {}", moved, member);
    // Hazelcast hands a merged member the cluster's copy of a replicated map in the background (its
    // anti-entropy runs every 30 s), and entries that already existed fire no event here: in the
    // network-fault tests a relay that took an event after a merge sent its mix to its own node
    // only. So every other process is asked to write its routes again (each write reaches this
    // member as an event), and the table is read again a few times meanwhile. The request goes by a
    // Hazelcast topic, not the event bus, whose view of the other processes' consumers is itself
    // being rebuilt right after a merge; and once more just before the member's settling ends
    // (ServiceOwnership.MERGE_SETTLE_MS), when it starts taking events.
    for (long delay : RESEND_AFTER_MERGE_MS) {
      vertx.setTimer(
          delay,
          id ->
              vertx.executeBlocking(
                  () -> {
                    hazelcast.<String>getTopic(RESEND).publish(member);
                    return null;
                  },
                  false));
    }
    for (long delay : REREAD_AFTER_MERGE_MS) {
      vertx.setTimer(
          delay,
          id ->
              vertx.executeBlocking(
                  () -> {
                    reread();
                    return null;
                  },
                  false));
    }
  }

  /** When the others are asked to write their routes again, in ms from the merge. */
  private static final long[] RESEND_AFTER_MERGE_MS = {1, 2_000, 5_000, 8_000};

  /** Writes this process's own routes again: a merged member asked for them. */
  private void resendOwn(String asker) {
    if (asker.equals(member)) {
      return;
    }
    vertx.executeBlocking(
        () -> {
          for (Route route : own) {
            routes.put(route.key, route.value);
          }
          return null;
        },
        false);
  }

  /** When the table is read again after a merge, in ms from the merge. */
  private static final long[] REREAD_AFTER_MERGE_MS = {
    500, 1_000, 2_000, 4_000, 6_000, 9_000, 12_000, 16_000, 32_000
  };

  /**
   * Brings the index in line with this member's copy of the map: follows the entries of live
   * members it lacks, forgets the ones the map no longer holds (other than this process's own).
   */
  private void reread() {
    int added = 0;
    for (Map.Entry<String, String> entry : routes.entrySet()) {
      String key = entry.getKey();
      if (!eventOfKey.containsKey(key) && alive(memberOf(key))) {
        accept(key, entry.getValue());
        if (!routes.containsKey(key)) {
          // Removed while it was read: its removal may have been handled before the accept.
          drop(key);
        } else {
          added++;
        }
      }
    }
    Set<String> ownKeys = new java.util.HashSet<>();
    own.forEach(route -> ownKeys.add(route.key));
    int dropped = 0;
    for (String key : new ArrayList<>(eventOfKey.keySet())) {
      if (!ownKeys.contains(key) && !routes.containsKey(key)) {
        drop(key);
        dropped++;
      }
    }
    if (added + dropped > 0) {
      LOG.info(
          "room routes read again after a merge: {} found, {} no longer in the cluster",
          added,
          dropped);
    }
  }

  private void start() {
    if (hazelcast == null) {
      started.complete();
      return;
    }
    vertx
        .<Void>executeBlocking(
            () -> {
              addConfig();
              ReplicatedMap<String, String> map = hazelcast.getReplicatedMap(MAP);
              routes = map;
              map.addEntryListener(new Changes(map));
              hazelcast.getCluster().addMembershipListener(new Departures());
              hazelcast
                  .getLifecycleService()
                  .addLifecycleListener(
                      event -> {
                        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                          vertx.executeBlocking(
                              () -> {
                                merged();
                                return null;
                              },
                              false);
                        }
                      });
              for (Map.Entry<String, String> entry : map.entrySet()) {
                accept(entry.getKey(), entry.getValue());
              }
              hazelcast
                  .<String>getTopic(RESEND)
                  .addMessageListener(request -> resendOwn(request.getMessageObject()));
              return null;
            },
            false)
        .onComplete(started);
  }

  /**
   * A member that joins copies the table before {@code getReplicatedMap} returns (Hazelcast's
   * default fills it in the background, and a new service instance would route its first messages
   * by half a table).
   */
  private void addConfig() {
    try {
      hazelcast
          .getConfig()
          .addReplicatedMapConfig(new ReplicatedMapConfig(MAP).setAsyncFillup(false));
    } catch (RuntimeException e) {
      LOG.warn(
          "the cluster already configures {}; keeping its configuration: {}", MAP, e.getMessage());
    }
  }

  private void accept(String key, String value) {
    int lineBreak = value.indexOf('\n');
    String node = value.substring(0, lineBreak);
    String eventId = value.substring(lineBreak + 1);
    eventOfKey.put(key, eventId);
    byEvent.compute(eventId, (e, f) -> (f == null ? Followers.NONE : f).with(key, node));
  }

  private void drop(String key) {
    String eventId = eventOfKey.remove(key);
    if (eventId != null) {
      byEvent.computeIfPresent(eventId, (e, f) -> f.without(key));
    }
  }

  private static String memberOf(String key) {
    return key.substring(0, key.lastIndexOf(':'));
  }

  /** The map's changes, wherever they were made, arrive here on Hazelcast's event threads. */
  private final class Changes implements EntryListener<String, String> {
    private final ReplicatedMap<String, String> map;

    Changes(ReplicatedMap<String, String> map) {
      this.map = map;
    }

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      // An addition whose removal overtook it (or a member's that has left) is not followed.
      if (map.containsKey(event.getKey()) && alive(memberOf(event.getKey()))) {
        accept(event.getKey(), event.getValue());
      }
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      entryAdded(event);
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      drop(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
      drop(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
      drop(event.getKey());
    }

    @Override
    public void mapCleared(MapEvent event) {
      byEvent.clear();
      eventOfKey.clear();
    }

    @Override
    public void mapEvicted(MapEvent event) {
      mapCleared(event);
    }
  }

  private boolean alive(String memberUuid) {
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (m.getUuid().toString().equals(memberUuid)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A member that left follows nothing: every process forgets its routes at once, and the oldest
   * member removes them from the map.
   */
  private final class Departures implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {}

    @Override
    public void memberRemoved(MembershipEvent event) {
      String gone = event.getMember().getUuid().toString();
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = eventOfKey.keySet().iterator(); it.hasNext(); ) {
        String key = it.next();
        if (memberOf(key).equals(gone)) {
          keys.add(key);
        }
      }
      keys.forEach(RoomRoutes.this::drop);
      Member oldest = hazelcast.getCluster().getMembers().iterator().next();
      if (!oldest.localMember()) {
        return;
      }
      vertx.executeBlocking(
          () -> {
            int removed = 0;
            for (String key : routes.keySet()) {
              if (memberOf(key).equals(gone)) {
                routes.remove(key);
                removed++;
              }
            }
            LOG.info("removed {} room routes of member {}, which left", removed, gone);
            return null;
          },
          false);
    }
  }
}
