package dev.podium.runtime.membership;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the event bus's way to every other node, both ways, as soon as the membership changes,
 * rather than with the first real message. Each node answers on {@code podium.node.reach.<node
 * id>}; after a member joins or this member merges back, each node asks every other node there (a
 * request opens this node's connection to the other, the answer the other's connection back) until
 * it is answered, for at most a minute.
 *
 * <p>Why: after a split healed, the first message from one node to another that had been apart
 * sometimes waited 10-13 s and then failed, and a moved event's audio, its first traffic between
 * the two, was silent that long (the network-fault tests). Asked here right after the merge, the
 * way is open (or its failure over) before the merged member takes events 10 s later. Each way that
 * took more than a second, or more than one try, is logged with its time.
 */
public final class BusReach {
  /** The address prefix each node answers on. */
  public static final String PREFIX = "podium.node.reach.";

  static final long ASK_TIMEOUT_MS = 2_000;
  static final long RETRY_MS = 1_000;
  static final long GIVE_UP_MS = 60_000;

  private static final Logger LOG = LoggerFactory.getLogger(BusReach.class);

  private final Vertx vertx;
  private final ClusterManager manager;
  private final String self;

  /** Each clustered Vert.x's reach, for {@link #reachesAll}. */
  private static final Map<Vertx, BusReach> BY_VERTX =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Nodes being asked now (changed on the event loop of {@link #start}'s context, read anywhere).
   */
  private final Set<String> asking = ConcurrentHashMap.newKeySet();

  /** When the last node being asked answered or was given up (System.nanoTime). */
  private volatile long reachedAllAt = System.nanoTime();

  private BusReach(Vertx vertx, ClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
    this.self = manager.getNodeId();
  }

  /**
   * False while this node is still asking some other member (since a membership change or a merge,
   * for at most a minute); true when every member it knows has answered, or without a cluster.
   */
  public static boolean reachesAll(Vertx vertx) {
    BusReach reach = BY_VERTX.get(vertx);
    return reach == null || reach.asking.isEmpty();
  }

  /**
   * How long this node has reached every member it knows: 0 while it is still asking one, {@link
   * Long#MAX_VALUE} without a cluster.
   */
  public static long reachedAllForMillis(Vertx vertx) {
    BusReach reach = BY_VERTX.get(vertx);
    if (reach == null) {
      return Long.MAX_VALUE;
    }
    if (!reach.asking.isEmpty()) {
      return 0;
    }
    return (System.nanoTime() - reach.reachedAllAt) / 1_000_000;
  }

  /** Answers on this node's address and asks the others after each membership change. */
  public static void start(Vertx vertx, ClusterManager manager, HazelcastInstance hazelcast) {
    BusReach reach = new BusReach(vertx, manager);
    BY_VERTX.put(vertx, reach);
    io.vertx.core.Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v ->
            vertx
                .eventBus()
                .<String>consumer(PREFIX + reach.self, msg -> msg.reply(reach.self))
                .completion()
                .onSuccess(done -> reach.askAll()));
    hazelcast
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                context.runOnContext(v -> reach.askAll());
              }

              @Override
              public void memberRemoved(MembershipEvent event) {}
            });
    hazelcast
        .getLifecycleService()
        .addLifecycleListener(
            event -> {
              if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                context.runOnContext(v -> reach.askAll());
              }
            });
  }

  /** Done asking {@code node} (answered, gone or given up). */
  private void reached(String node) {
    if (asking.remove(node) && asking.isEmpty()) {
      reachedAllAt = System.nanoTime();
    }
  }

  private void askAll() {
    if (!manager.isActive()) {
      return;
    }
    for (String node : manager.getNodes()) {
      if (!node.equals(self) && asking.add(node)) {
        ask(node, System.nanoTime(), 1);
      }
    }
  }

  private void ask(String node, long startedAt, int attempt) {
    vertx
        .eventBus()
        .request(PREFIX + node, self, new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS))
        .onComplete(
            ar -> {
              long took = (System.nanoTime() - startedAt) / 1_000_000;
              if (ar.succeeded()) {
                reached(node);
                if (attempt > 1 || took > 1_000) {
                  LOG.atInfo()
                      .addKeyValue("node_id", node)
                      .log(
                          "event bus reaches node both ways after {} ms ({} tries)", took, attempt);
                }
              } else if (took < GIVE_UP_MS && manager.getNodes().contains(node)) {
                vertx.setTimer(RETRY_MS, t -> ask(node, startedAt, attempt + 1));
              } else {
                reached(node);
                if (manager.getNodes().contains(node)) {
                  LOG.atWarn()
                      .addKeyValue("node_id", node)
                      .log(
                          "event bus does not reach node after {} ms ({} tries): {}",
                          took,
                          attempt,
                          ar.cause().getMessage());
                }
              }
            });
  }
}
