package dev.podium.runtime.ownership;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.podium.runtime.membership.BusReach;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance of one service owns which key, from the cluster engine's own membership. Each
 * instance of the service registers itself in a Hazelcast map ({@code podium.members.<service>}:
 * instance id → Hazelcast member UUID); the service's ring is the registered instances whose member
 * Hazelcast lists as alive. Hazelcast's failure detector decides when a member is dead (no Podium
 * heartbeat), its membership events and the registry's entry events trigger a recompute, and every
 * instance of every service computes the same {@link OwnerRing}. One ring per service: gateways,
 * chat and other services are Hazelcast members too, but they own no events of this service.
 *
 * <p>The ring is computed from a local mirror of the registry (kept by the registry's entry events)
 * and the member list Hazelcast holds locally, on this instance's context with no call to the
 * cluster: right after members die, a map-wide read waits for their partitions to move and the
 * worker threads are busy with the event bus's own lookups (the ownership drill measured 8 s from
 * Hazelcast dropping two killed members to a ring that read the map). Besides the events, the ring
 * is recomputed locally every {@value #LOCAL_RECOMPUTE_MS} ms, so a membership event Hazelcast
 * delivers late costs at most that. Once a second the registry is read in full in the background:
 * the mirror is refreshed, a dead member's entry removed and this instance registered again if its
 * entry was lost.
 *
 * <p>A {@link PauseWatch} steps this instance down when it wakes from a pause longer than the
 * limit: it reports a ring without itself for a quarantine period (long enough for Hazelcast to
 * tell it whether it was dropped), then the recomputed one. Without Hazelcast (a plain Vert.x in
 * unit tests) the instances of the same Vert.x form the ring.
 *
 * <p>An <em>observer</em> ({@link #observe}) computes the same ring from the same registry and
 * membership without registering: it never owns a key. A process that must find a service's owners
 * without being one of its instances (a gateway sending a speaker's audio to the media relay that
 * mixes the event) observes the ring instead of computing one of its own.
 *
 * <p>Callbacks run on the context that called {@link #start}; {@link #ring()} and {@link #owner}
 * may be read from any thread.
 */
public final class ServiceOwnership {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceOwnership.class);
  private static final long TICK_MS = 100;
  private static final long RECONCILE_MS = 1_000;

  /**
   * How often the ring is recomputed from what this process holds locally, besides the events that
   * trigger it. Cheap (no call to the cluster), and it does not wait for Hazelcast to deliver a
   * membership event: Hazelcast hands those to listeners one after the other, and the Vert.x
   * cluster manager's own listener cleans the dead member's subscriptions from the cluster before
   * returning, which can take seconds on a busy cluster.
   */
  private static final long LOCAL_RECOMPUTE_MS = 250;

  private static final long STUCK_COMPUTATION_NANOS = 5_000_000_000L;

  /**
   * How long an instance whose member merged back into the cluster after a split waits before it
   * registers again, and so before the others give it a share of their events. Right after a merge
   * the event bus has not settled (Vert.x republishes each member's subscriptions, and the merged
   * member learns the others' anew): in the first network-fault runs an event whose mixing moved to
   * the merged member at once was silent for 5 s. Meanwhile its events stay where the split put
   * them, served.
   */
  static final long MERGE_SETTLE_MS = 10_000;

  /**
   * How long the settling may last while the event bus does not reach every other member. In the
   * network-fault runs nothing flowed between a merged member and the others for 22-26 s after the
   * merge (Vert.x writes the member's subscriptions back one by one then, under a lock its own
   * lookups take too, which fits), and events it took after the 10 s were silent 7-13 s.
   */
  static final long MERGE_SETTLE_MAX_MS = 60_000;

  /**
   * Twice Hazelcast's failure-detection time in podium-cluster.xml (3 s without a heartbeat): a
   * member that stood still resets its heartbeat clocks when it wakes, so it needs that long to
   * learn that the others dropped it (and then finds itself in a minority, below).
   */
  private static final long MIN_QUARANTINE_MS = 6_000;

  private final Vertx vertx;
  private final String service;
  private final String instanceId = UUID.randomUUID().toString();
  private final long pauseLimitNanos;
  private final LongSupplier nanoClock;

  /** Computes the ring without being in it: no registration, no pause watch, owns nothing. */
  private final boolean observer;

  private Context context;
  private Consumer<OwnerRing> listener;
  private PauseWatch pauses;
  private volatile OwnerRing ring = OwnerRing.empty();

  /** Written on this instance's context, read by writers on any thread ({@link #stint}). */
  private volatile long quarantineUntil;

  /** Counts step-downs, so the end of an earlier quarantine does not wake a later one. */
  private int stepDowns;

  private volatile boolean hadMajority = true;

  /**
   * The mirror may miss instances: this member has just merged back into the cluster or regained a
   * majority, and while it was apart it dropped the others' entries (their members were dead to
   * it). No ring is reported until a full read of the registry begun after that has refreshed it:
   * the first merge drill showed a member that came back claim every event of the cluster for a
   * second, its mirror holding only its own instance.
   */
  private volatile boolean mirrorStale;

  /** When this member last merged back into the cluster ({@link System#nanoTime}), if it did. */
  private volatile long mergedAt;

  private volatile boolean merged;

  /**
   * Between Hazelcast's MERGING and its MERGED (or MERGE_FAILED): the merge itself is still under
   * way. Usually 1-2 s; over a slow, lossy link it took 32 s, and a member that took events 10 s
   * after MERGING owned them through a link that delayed their stage messages past 10 s.
   */
  private volatile boolean mergeUnderway;

  /** Whether the current merge has been logged as lasting past {@link #MERGE_SETTLE_MAX_MS}. */
  private volatile boolean longMergeLogged;

  /** Whether this instance has been in its own ring (owned a share) since it started. */
  private volatile boolean servedBefore;

  /**
   * Counts the times the mirror went stale, so a read begun before the last time does not count.
   */
  private final java.util.concurrent.atomic.AtomicLong staleMarks =
      new java.util.concurrent.atomic.AtomicLong();

  private Thread watcher;
  private long reconciler = -1;
  private long ticks;
  private volatile boolean stopped;

  /** A full read of the registry is in flight, since when. */
  private boolean refreshing;

  private long refreshStarted;

  /**
   * The registry as this process last knew it: instance id → Hazelcast member UUID. Entry events
   * change it at once; a full read replaces it only when no event arrived while it was made.
   */
  private final Map<String, String> mirror = new java.util.concurrent.ConcurrentHashMap<>();

  /** Counts entry events, so a full read made meanwhile does not undo one. */
  private final java.util.concurrent.atomic.AtomicLong registryEvents =
      new java.util.concurrent.atomic.AtomicLong();

  // Hazelcast, when clustered
  private volatile HazelcastInstance hz;
  private IMap<String, String> registry;
  private UUID membershipListener;
  private UUID entryListener;
  private UUID lifecycleListener;

  public ServiceOwnership(Vertx vertx, String service, Duration pauseLimit) {
    this(vertx, service, pauseLimit, false, System::nanoTime);
  }

  /**
   * With the clock the pause watch reads ({@link System#nanoTime} in production): a test freezes
   * the instance by moving its clock on, without stopping a process.
   */
  public ServiceOwnership(
      Vertx vertx, String service, Duration pauseLimit, LongSupplier nanoClock) {
    this(vertx, service, pauseLimit, false, nanoClock);
  }

  private ServiceOwnership(
      Vertx vertx, String service, Duration pauseLimit, boolean observer, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.quarantineUntil = nanoClock.getAsLong();
    this.vertx = vertx;
    this.service = service;
    this.pauseLimitNanos = pauseLimit.toNanos();
    this.observer = observer;
  }

  /**
   * An observer of the service's ring: the same {@link OwnerRing} its instances compute, for a
   * process that sends work to the owners but is not one of them. {@link #owns} is always false.
   */
  public static ServiceOwnership observe(Vertx vertx, String service) {
    return new ServiceOwnership(vertx, service, Duration.ZERO, true, System::nanoTime);
  }

  public String instanceId() {
    return instanceId;
  }

  /** The current ring (as last reported to the listener). */
  public OwnerRing ring() {
    return ring;
  }

  /** Whether this instance owns the key now and may write. */
  public boolean owns(String key) {
    return instanceId.equals(ring.owner(key)) && awake();
  }

  /**
   * The owner of the key, or null when no instance is alive (or this one is in quarantine and
   * alone).
   */
  public String owner(String key) {
    return ring.owner(key);
  }

  /**
   * False while this instance has just woken from a pause: it must not write until it knows where
   * it stands.
   */
  public boolean awake() {
    return stint() >= 0;
  }

  /**
   * The number of this instance's current stint awake (it changes with every pause), or -1 while it
   * must not write: what a {@link FencedStore} asks before a write and again when the result
   * arrives, so that a write the process stood still during does not count. Also -1 while this
   * member's side holds no majority: a write that completes there (stored before the cut was
   * detected, answered once its backups timed out) is not confirmed ({@link
   * ClusterMajority#confirms}).
   */
  public long stint() {
    if (pauses == null || (hz != null && !ClusterMajority.confirms(hz))) {
      return -1;
    }
    long now = nanoClock.getAsLong();
    long stint = pauses.stint(now);
    return stint >= 0 && now - quarantineUntil >= 0 ? stint : -1;
  }

  /**
   * Registers this instance and reports the first ring to the listener before completing; the
   * listener is called again on every change.
   */
  public Future<Void> start(Consumer<OwnerRing> onChange) {
    this.context = vertx.getOrCreateContext();
    this.listener = onChange;
    this.pauses = new PauseWatch(pauseLimitNanos, nanoClock.getAsLong());
    // A thread of its own, not an event-loop timer: a busy event loop is not a frozen process, and
    // only a frozen process (GC, SIGSTOP) can have been declared dead by the cluster meanwhile.
    watcher =
        new Thread(
            () -> {
              while (!stopped) {
                long gap = pauses.tick(nanoClock.getAsLong());
                if (gap > 0) {
                  context.runOnContext(v -> stepDown(gap));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TICK_MS * 1_000_000);
              }
            },
            "podium-pause-watch-" + service);
    watcher.setDaemon(true);
    if (!observer) {
      // An observer writes nothing: a pause of its own cannot make it act beside anyone.
      watcher.start();
    }
    reconciler =
        vertx.setPeriodic(
            LOCAL_RECOMPUTE_MS,
            id -> {
              if (++ticks % (RECONCILE_MS / LOCAL_RECOMPUTE_MS) == 0) {
                refresh();
              } else {
                recompute();
              }
            });
    Future<Void> registered;
    if (vertx.isClustered()
        && dev.podium.runtime.ClusterReach.clusterManager(vertx)
            instanceof HazelcastClusterManager manager) {
      hz = manager.getHazelcastInstance();
      registered =
          vertx.executeBlocking(
              () -> {
                registry = hz.getMap("podium.members." + service);
                membershipListener =
                    hz.getCluster()
                        .addMembershipListener(
                            new MembershipListener() {
                              @Override
                              public void memberAdded(MembershipEvent event) {
                                recompute();
                              }

                              @Override
                              public void memberRemoved(MembershipEvent event) {
                                recompute();
                              }
                            });
                entryListener = registry.addEntryListener(new RegistryListener(), true);
                lifecycleListener =
                    hz.getLifecycleService()
                        .addLifecycleListener(
                            event -> {
                              // After a split-brain merge this member has a new UUID: register it
                              // again.
                              LifecycleEvent.LifecycleState state = event.getState();
                              if (state == LifecycleEvent.LifecycleState.MERGING
                                  || state == LifecycleEvent.LifecycleState.MERGED) {
                                // Only a member that served before (cut off from the cluster it
                                // was part of) has events to take back; one that formed the
                                // cluster by merging at start takes its share at once.
                                if (servedBefore) {
                                  mergedAt = System.nanoTime();
                                  merged = true;
                                  mergeUnderway = state == LifecycleEvent.LifecycleState.MERGING;
                                  longMergeLogged = false;
                                }
                                markMirrorStale();
                              } else if (state == LifecycleEvent.LifecycleState.MERGE_FAILED) {
                                mergeUnderway = false;
                              }
                            });
                if (!observer) {
                  registry.put(instanceId, hz.getCluster().getLocalMember().getUuid().toString());
                }
                mirror.putAll(registry);
                return null;
              });
    } else {
      if (!observer) {
        localRegistry().put(instanceId, Boolean.TRUE);
      }
      registered = Future.succeededFuture();
    }
    return registered
        .map(
            v -> {
              report(computeRing());
              if (!clustered()) {
                vertx.eventBus().publish(localChanges(), instanceId);
              }
              return null;
            })
        .compose(
            v ->
                clustered()
                    ? Future.succeededFuture()
                    : vertx
                        .eventBus()
                        .<String>localConsumer(localChanges(), m -> recompute())
                        .completion());
  }

  /**
   * Leaves the ring at once (a clean stop): the others take this instance's keys without waiting
   * for failure detection.
   */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(reconciler);
    if (!clustered()) {
      localRegistry().remove(instanceId);
      vertx.eventBus().publish(localChanges(), instanceId);
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          hz.getCluster().removeMembershipListener(membershipListener);
          registry.removeEntryListener(entryListener);
          hz.getLifecycleService().removeLifecycleListener(lifecycleListener);
          registry.remove(instanceId);
          return null;
        });
  }

  private boolean clustered() {
    return hz != null;
  }

  /**
   * Whether the cluster member with this UUID is in this process's view of the cluster (local, no
   * call); false when not clustered.
   */
  public boolean memberAlive(String memberUuid) {
    return clustered()
        && hz.getCluster().getMembers().stream()
            .anyMatch(m -> m.getUuid().toString().equals(memberUuid));
  }

  private void stepDown(long gap) {
    if (!stopped) {
      // Alone, nobody could have taken over: step down (drop, then re-claim at a new epoch) without
      // a quarantine that would leave the service's events ownerless.
      boolean alone = ring.without(instanceId).members().isEmpty();
      long quarantine = alone ? 0 : Math.max(MIN_QUARANTINE_MS, 2 * pauseLimitNanos / 1_000_000);
      LOG.atWarn()
          .addKeyValue("service", service)
          .addKeyValue("instance_id", instanceId)
          .log(
              "{} stepped down: this process stood still for {} ms; owning nothing for {} ms",
              service,
              gap / 1_000_000,
              quarantine);
      quarantineUntil = nanoClock.getAsLong() + quarantine * 1_000_000;
      int stepDown = ++stepDowns;
      report(ring.without(instanceId));
      vertx.setTimer(
          quarantine + 1,
          id -> {
            if (stepDown == stepDowns) {
              pauses.resume();
            }
            recompute();
          });
    }
  }

  /** Recomputes the ring on this instance's context and reports a change. */
  private void recompute() {
    context.runOnContext(
        v -> {
          if (!stopped) {
            OwnerRing next = computeRing();
            if (!mirrorStale) {
              report(next);
            }
          }
        });
  }

  /** From any thread: no ring until a registry read begun from now on has refreshed the mirror. */
  private void markMirrorStale() {
    staleMarks.incrementAndGet();
    mirrorStale = true;
    context.runOnContext(v -> refresh());
  }

  /**
   * Reads the whole registry in the background (one read at a time, unless the one in flight is
   * stuck: Hazelcast calls made while a member merges after a split can hang for minutes): removes
   * dead members' entries, registers this instance again if its entry was lost, refreshes the
   * mirror and recomputes.
   */
  private void refresh() {
    if (stopped) {
      return;
    }
    if (!clustered()) {
      recompute();
      return;
    }
    if (refreshing && System.nanoTime() - refreshStarted < STUCK_COMPUTATION_NANOS) {
      return;
    }
    refreshing = true;
    refreshStarted = System.nanoTime();
    long eventsBefore = registryEvents.get();
    long marksBefore = staleMarks.get();
    // Unordered: one hung read must not queue the next behind it.
    vertx
        .<Map<String, String>>executeBlocking(
            () -> {
              Set<String> alive = aliveMembers();
              String self = hz.getCluster().getLocalMember().getUuid().toString();
              Map<String, String> read = new java.util.HashMap<>();
              for (Map.Entry<String, String> e : registry.entrySet()) {
                if (e.getKey().equals(instanceId) || alive.contains(e.getValue())) {
                  read.put(e.getKey(), e.getValue());
                } else {
                  // A dead member's registration: only a removal of exactly that entry, so an
                  // instance that re-registered meanwhile keeps its new one.
                  registry.remove(e.getKey(), e.getValue());
                }
              }
              if (!observer
                  && !stopped
                  && !settlingAfterMerge()
                  && !self.equals(read.get(instanceId))) {
                // Lost in a merge, or this member's UUID changed: register again.
                registry.put(instanceId, self);
                read.put(instanceId, self);
              }
              return read;
            },
            false)
        .onComplete(
            ar -> {
              refreshing = false;
              if (ar.failed()) {
                LOG.atWarn()
                    .addKeyValue("service", service)
                    .log("could not read the {} registry: {}", service, ar.cause().getMessage());
              } else if (registryEvents.get() == eventsBefore) {
                mirror.keySet().retainAll(ar.result().keySet());
                mirror.putAll(ar.result());
                clearStale(marksBefore);
              } else if (mirrorStale) {
                // Entries changed while it was read: add what the read found (an entry removed
                // meanwhile comes back until the next read; its member's liveness filters it).
                mirror.putAll(ar.result());
                clearStale(marksBefore);
              }
              if (mirrorStale) {
                // The read began before the mirror went stale (or failed): read again soon.
                vertx.setTimer(TICK_MS, id -> refresh());
              }
              recompute();
            });
  }

  /**
   * Whether this member merged back less than {@link #MERGE_SETTLE_MS} ago (counted from the
   * merge's end once it has ended), or since then while the event bus does not yet reach every
   * other member both ways ({@link BusReach}), for at most {@link #MERGE_SETTLE_MAX_MS}; and for as
   * long as the merge itself is under way, uncapped. Until Hazelcast's MERGED, Vert.x has not
   * written this process's subscriptions back, so nobody can send to an instance's own address: in
   * a slow-link run a member took its share at the cap with its merge still under way, and joins of
   * those events were refused for the next minute ({@code service_unavailable}, "not there").
   */
  private boolean settlingAfterMerge() {
    if (!merged) {
      return false;
    }
    long since = System.nanoTime() - mergedAt;
    if (mergeUnderway && since >= MERGE_SETTLE_MAX_MS * 1_000_000 && !longMergeLogged) {
      longMergeLogged = true;
      LOG.warn(
          "{}: the merge has not ended {} s after it began; owning nothing until it has",
          service,
          since / 1_000_000_000);
    }
    return mergeUnderway
        || since < MERGE_SETTLE_MS * 1_000_000
        || (since < MERGE_SETTLE_MAX_MS * 1_000_000 && !BusReach.reachesAll(vertx));
  }

  private void clearStale(long marksBefore) {
    if (staleMarks.get() == marksBefore) {
      mirrorStale = false;
    }
  }

  /**
   * The ring from the mirror and the members Hazelcast lists locally: no call to the cluster, so it
   * follows a membership change at once however busy the cluster is.
   */
  private OwnerRing computeRing() {
    if (!clustered()) {
      return OwnerRing.of(localRegistry().keySet());
    }
    Set<String> alive = aliveMembers();
    String self = hz.getCluster().getLocalMember().getUuid().toString();
    Set<String> instances = new HashSet<>();
    mirror.forEach(
        (instance, member) -> {
          if (!instance.equals(instanceId) && alive.contains(member)) {
            instances.add(instance);
          }
        });
    // In a minority (the rest of the cluster dropped this member, or a split left it on the small
    // side) it owns nothing: the majority has given its events to others, and its writes to
    // Podium's maps are refused there anyway (split-brain protection, ClusterBootstrap).
    boolean majority = hasMajority();
    if (majority != hadMajority) {
      hadMajority = majority;
      if (majority) {
        markMirrorStale();
      }
      LOG.atWarn()
          .addKeyValue("service", service)
          .addKeyValue("instance_id", instanceId)
          .log(
              majority
                  ? "{}: this member's cluster holds a majority again ({} members)"
                  : "{}: this member's cluster holds no majority ({} members): owning nothing",
              service,
              alive.size());
    }
    // This instance counts once its own entry, with this member's UUID, is in the mirror: a
    // member whose UUID changed in a merge waits for the refresh that registers it again.
    if (!stopped && majority && !observer && self.equals(mirror.get(instanceId))) {
      instances.add(instanceId);
      servedBefore = true;
    }
    return OwnerRing.of(instances);
  }

  private Set<String> aliveMembers() {
    return hz.getCluster().getMembers().stream()
        .map(m -> m.getUuid().toString())
        .collect(Collectors.toSet());
  }

  /**
   * Whether this member's cluster has the members the split-brain protection asks for (always, when
   * none is configured).
   */
  private boolean hasMajority() {
    return ClusterMajority.holds(hz);
  }

  private void report(OwnerRing next) {
    OwnerRing effective =
        nanoClock.getAsLong() - quarantineUntil < 0 ? next.without(instanceId) : next;
    if (effective.equals(ring)) {
      return;
    }
    ring = effective;
    LOG.atInfo()
        .addKeyValue("service", service)
        .addKeyValue("instance_id", instanceId)
        .log("{} instances: {}", service, effective.members().size());
    listener.accept(effective);
  }

  private LocalMap<String, Boolean> localRegistry() {
    return vertx.sharedData().getLocalMap("podium.members." + service);
  }

  private String localChanges() {
    return "podium.members." + service + ".changed";
  }

  private final class RegistryListener
      implements EntryAddedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(com.hazelcast.core.EntryEvent<String, String> event) {
      registryEvents.incrementAndGet();
      mirror.put(event.getKey(), event.getValue());
      recompute();
    }

    @Override
    public void entryRemoved(com.hazelcast.core.EntryEvent<String, String> event) {
      registryEvents.incrementAndGet();
      if (event.getOldValue() != null) {
        mirror.remove(event.getKey(), event.getOldValue());
      } else {
        mirror.remove(event.getKey());
      }
      recompute();
    }

    @Override
    public void entryUpdated(com.hazelcast.core.EntryEvent<String, String> event) {
      registryEvents.incrementAndGet();
      mirror.put(event.getKey(), event.getValue());
      recompute();
    }
  }
}
