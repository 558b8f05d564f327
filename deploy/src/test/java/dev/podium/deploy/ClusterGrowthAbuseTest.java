package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cluster state must not grow with the number of events: a client that starts and ends event after
 * event (each with listeners, chat, a screen-mode switch with an initialisation segment, a co-host
 * invitation) must leave the cluster as it found it. The test records every Hazelcast distributed
 * object of a running all-in-one with its size (maps, multimaps such as the event bus's own {@code
 * __vertx.subs}, ring buffers), runs 1,000 such events, some ended by the host and some by the
 * host's grace period running out, and expects the same objects with the same sizes afterwards.
 *
 * <p>Nothing is exempt. What the all-in-one keeps for itself (the services' own addresses in {@code
 * __vertx.subs}, the node's entry in {@code __vertx.nodeInfo}, the bystander room's entries) is
 * bounded and is already there when the baseline is taken, so it cancels out. The third way an
 * event ends, presence sweeping a dead gateway node, runs the same room-service end as the grace
 * period does here (the node sweep only starts that grace period), so it is covered by the
 * grace-ended events.
 */
class ClusterGrowthAbuseTest {
  private static final int EVENTS = 1_000;

  /** Events run at the same time (each a host, and for most a listener). */
  private static final int PARALLEL = 4;

  /** A small fake WebM initialisation segment: the EBML magic, then filler. */
  private static final Buffer INIT =
      Buffer.buffer(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3})
          .appendBuffer(Buffer.buffer(new byte[2048]));

  private static PodiumHarness podium;
  private static Vertx node;
  private static Bystanders bystanders;

  @BeforeAll
  static void start() {
    // A short grace so events whose host vanishes end quickly; chat rate high enough for the
    // script.
    podium = new PodiumHarness(Map.of("PODIUM_HOST_GRACE_MS", "300"));
    node = podium.startAllInOne();
    bystanders = Bystanders.start(podium.port(node), TestTokens::valid);
  }

  @AfterAll
  static void stop() {
    if (bystanders != null) {
      bystanders.close();
    }
    podium.close();
  }

  @Test
  void athousandEventsLeaveTheClusterAsTheyFoundIt() throws Exception {
    HazelcastInstance hazelcast =
        ((HazelcastClusterManager) ((VertxInternal) node).clusterManager()).getHazelcastInstance();
    // One event of each kind first: a cluster-wide object made on first use (the screen-init map,
    // one per cluster however many events use it) is then in the baseline, so any difference
    // left after the run is per-event growth.
    for (int i = 0; i < 5; i++) {
      runEvent(i, "warm-");
    }
    Map<String, Integer> before = settled(hazelcast);
    bystanders.startMeasuring();
    long started = System.nanoTime();

    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        int n = i;
        runs.add(pool.submit(() -> runEvent(n, "g")));
      }
      for (Future<?> run : runs) {
        run.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf("%d events in %d ms%n", EVENTS, (System.nanoTime() - started) / 1_000_000);

    // Clean-up follows the end notices at once; the sweeps catch late writes within about 20 s.
    long deadline = System.currentTimeMillis() + 60_000;
    Map<String, Integer> after = snapshot(hazelcast);
    while (!after.equals(before) && System.currentTimeMillis() < deadline) {
      Thread.sleep(500); // polling the cluster's own state: there is no event to wait for
      after = snapshot(hazelcast);
    }
    System.out.printf(
        "cluster back to its start %d ms after the last event%n",
        60_000 - (deadline - System.currentTimeMillis()));
    assertEquals(before, after, "cluster objects and their sizes after " + EVENTS + " events");
    bystanders.assertWell();
  }

  /**
   * One event. Every event goes live and ends; in turn they add a listener, chat, a switch to
   * screen mode with an initialisation segment from the host, and a co-host invitation. One in five
   * ends by the host vanishing (the grace period ends it), the others by the host.
   */
  private static void runEvent(int n, String prefix) {
    String hostId = prefix + "h" + n;
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket listener = null;
    if (n % 4 != 3) {
      listener = podium.join(node, eventId, prefix + "l" + n);
      listener.expect("room_state");
    }
    if (n % 2 == 0) {
      host.send(new JsonObject().put("type", "broadcast_message").put("message", "hello " + n));
      host.send(new JsonObject().put("type", "broadcast_message").put("message", "bye " + n));
      host.expect("message_broadcast", m -> m.getLong("id") == 2);
    }
    if (n % 3 == 0) {
      host.send(
          new JsonObject().put("type", "switching_to_screen_sharing").put("stream", "screen"));
      host.expect("screen_sharing_started");
      host.sendBinary(INIT);
      if (listener != null) {
        TestSocket watching = listener;
        assertTrue(
            TestSocket.awaitCondition(() -> !watching.binaries().isEmpty(), 10_000),
            "the listener got the segment");
      }
    }
    if (listener != null && n % 5 == 1) {
      host.send(new JsonObject().put("type", "invite_cohost").put("user_id", prefix + "l" + n));
      TestSocket invited = listener;
      assertTrue(
          TestSocket.awaitCondition(() -> !invited.seen("cohost_invite").isEmpty(), 10_000),
          "the listener was invited; the host saw " + host.seen("error"));
    }
    if (n % 5 == 4) {
      host.close();
    } else {
      host.send(new JsonObject().put("type", "stream_ended"));
      host.awaitClose();
    }
    if (listener != null) {
      listener.expect("stream_ended");
      listener.awaitClose();
    }
  }

  /**
   * Waits until two snapshots a second apart agree (start-up writes have landed), and returns it.
   */
  private static Map<String, Integer> settled(HazelcastInstance hazelcast)
      throws InterruptedException {
    Map<String, Integer> last = snapshot(hazelcast);
    for (int i = 0; i < 30; i++) {
      Thread.sleep(1_000); // a measuring window: start-up writes have no event of their own
      Map<String, Integer> now = snapshot(hazelcast);
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /**
   * Every distributed object of the cluster, by service and name, with its size (-1: not a
   * collection).
   */
  private static Map<String, Integer> snapshot(HazelcastInstance hazelcast) {
    Map<String, Integer> sizes = new TreeMap<>();
    for (DistributedObject object : hazelcast.getDistributedObjects()) {
      int size = -1;
      if (object instanceof IMap<?, ?> map) {
        size = map.size();
      } else if (object instanceof MultiMap<?, ?> multi) {
        size = multi.size();
      } else if (object instanceof ReplicatedMap<?, ?> routes) {
        size = routes.size();
      } else if (object instanceof Ringbuffer<?> ring) {
        size = (int) ring.size();
      }
      sizes.put(object.getServiceName() + " " + object.getName(), size);
    }
    return sizes;
  }
}
