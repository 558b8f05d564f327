package dev.podium.runtime.membership;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches this process's Hazelcast cluster: logs every membership change and every merge at INFO
 * (Hazelcast's own logger stays at WARN, where a split and its merge say nothing plainly), keeps
 * {@link SplitSuspicion} up to date and publishes {@code podium_cluster_members}, {@code
 * podium_cluster_split_suspected} and {@code podium_cluster_merges_total{outcome}}. Registered in
 * the Hazelcast configuration before the member starts, so it sees the first join.
 */
public final class ClusterWatch implements InitialMembershipListener, LifecycleListener {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
  private static final Map<Vertx, ClusterWatch> WATCHES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final SplitSuspicion suspicion;
  private final Counter merged;
  private final Counter failed;
  private volatile HazelcastInstance instance;
  private boolean suspectedLogged;

  public ClusterWatch(int expectedMembers, MeterRegistry registry) {
    this.suspicion = new SplitSuspicion(expectedMembers);
    Gauge.builder("podium.cluster.members", this, ClusterWatch::members)
        .description("Members of the Hazelcast cluster this process belongs to")
        .register(registry);
    Gauge.builder("podium.cluster.split.suspected", this, w -> w.reason() != null ? 1 : 0)
        .description(
            "1 while this process suspects the cluster is split (see /health/ready for why)")
        .register(registry);
    merged =
        Counter.builder("podium.cluster.merges")
            .tag("outcome", "merged")
            .description("Split-brain merges this member took part in")
            .register(registry);
    failed =
        Counter.builder("podium.cluster.merges")
            .tag("outcome", "failed")
            .description("Split-brain merges this member took part in")
            .register(registry);
  }

  /** The watch of a Vert.x instance started by {@code ClusterBootstrap}, or null. */
  public static ClusterWatch of(Vertx vertx) {
    return WATCHES.get(vertx);
  }

  /** Ties the watch to the joined member and its Vert.x instance. */
  public void attach(Vertx vertx, HazelcastInstance hazelcast) {
    this.instance = hazelcast;
    WATCHES.put(vertx, this);
    // Logs a split suspected at the join (a member that found fewer than the expected others).
    reason();
  }

  /**
   * The cluster's member count now: the member's own view once attached, the last event's before.
   */
  public int members() {
    refresh();
    return suspicion.members();
  }

  /**
   * Why this process suspects a split, for an operator; null when it does not. The suspicion is
   * logged when it starts and when it ends (not at every member while a cluster forms), and only
   * once the member has joined: before that, every member is a cluster of one.
   */
  public String reason() {
    refresh();
    String reason = suspicion.reason();
    if (instance != null) {
      synchronized (this) {
        if (reason != null && !suspectedLogged) {
          LOG.warn("cluster split suspected: {}", reason);
          suspectedLogged = true;
        } else if (reason == null && suspectedLogged) {
          LOG.info("cluster split no longer suspected: {} member(s)", suspicion.members());
          suspectedLogged = false;
        }
      }
    }
    return reason;
  }

  public int expected() {
    return suspicion.expected();
  }

  /**
   * Whether this member is merging into another cluster of the same name (Hazelcast's MERGING,
   * until MERGED or MERGE_FAILED). Until MERGED, Vert.x has not written this process's event-bus
   * subscriptions back into the merged cluster: the other members cannot send to its consumers.
   */
  public boolean merging() {
    return suspicion.merging();
  }

  // Membership events can be lost around a merge (the member resets): the instance's own member
  // list is the truth whenever it is there.
  private void refresh() {
    HazelcastInstance hz = instance;
    if (hz != null && hz.getLifecycleService().isRunning()) {
      try {
        suspicion.members(hz.getCluster().getMembers().size());
      } catch (RuntimeException e) {
        // Shutting down or resetting: keep the last count.
      }
    }
  }

  @Override
  public void init(InitialMembershipEvent event) {
    suspicion.members(event.getMembers().size());
    LOG.info(
        "cluster membership: {} member(s) {}",
        event.getMembers().size(),
        addresses(event.getMembers()));
    reason();
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    suspicion.members(event.getMembers().size());
    LOG.info(
        "cluster member joined: {}; now {} member(s) {}",
        address(event.getMember()),
        event.getMembers().size(),
        addresses(event.getMembers()));
    reason();
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    suspicion.members(event.getMembers().size());
    LOG.info(
        "cluster member left or lost: {}; now {} member(s) {}",
        address(event.getMember()),
        event.getMembers().size(),
        addresses(event.getMembers()));
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    switch (event.getState()) {
      case MERGING -> {
        suspicion.mergeStarted();
        LOG.info(
            "cluster merge: this member found another cluster of the same name and is merging into it");
      }
      case MERGED -> {
        suspicion.merged();
        merged.increment();
        refresh();
        LOG.info("cluster merge done: now {} member(s)", suspicion.members());
      }
      case MERGE_FAILED -> {
        suspicion.mergeFailed();
        failed.increment();
        LOG.warn(
            "cluster merge failed: this member stays in its own cluster of {} member(s); Hazelcast tries again",
            suspicion.members());
      }
      default -> LOG.debug("Hazelcast member {}", event.getState());
    }
    reason();
  }

  private static String address(Member member) {
    return member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }

  private static String addresses(Set<Member> members) {
    return members.stream().map(ClusterWatch::address).sorted().toList().toString();
  }
}
