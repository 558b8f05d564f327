package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.PodiumProcess.Launch;
import dev.podium.room.RoomServiceMain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Room-service instances all active, each in its own JVM: events spread over them, move only when
 * their owner is killed or stopped (with their state), a newcomer takes a share, and an owner
 * frozen with SIGSTOP past its takeover cannot change its old events when it wakes.
 *
 * <p>The SIGSTOP step once failed in CI (the frozen owner's overdue grace ended the event: its
 * removal won on the woken member's stale copy of the map, and the listener saw {@code
 * stream_ended}); the fencing that closes that window is described in docs/architecture.md,
 * "Fencing", and replayed without processes by the room-service's {@code StaleOwnerTest}.
 */
// Out of the default build for its timing, not its fencing: the host must be back on the new owner
// within 10.5 s of the SIGSTOP, and on a machine loaded by other clusters the takeover alone took
// up
// to 10.7 s, or Hazelcast dropped healthy members too (7 of 16 runs failed on timing at load
// averages mostly 12-25; none showed a stale owner's write). Run with -Plong-tests on a quiet
// machine.
@org.junit.jupiter.api.Tag("long")
class OwnershipScaleOutTest {
  private static final int EVENTS = 30;

  /**
   * Longer than the takeover after a SIGSTOP, shorter than the stop, so the frozen owner's timer is
   * overdue when it wakes.
   */
  private static final long GRACE_MS = 12_000;

  private static final long STOP_MS = 15_000;

  /**
   * Five members expected, so writes need three ({@code ClusterMajority}): during the SIGSTOP step
   * four are left (the gateway, presence, chat and one room-service), one more can hiccup on this
   * loaded machine without taking the majority away, and the frozen owner, alone when it wakes,
   * cannot act even after its quarantine. The start waits for all six members itself.
   */
  private static final Map<String, String> ENV =
      Map.of(
          "PODIUM_HOST_GRACE_MS", String.valueOf(GRACE_MS), "PODIUM_CLUSTER_EXPECTED_MEMBERS", "5");

  private static PodiumHarness podium;
  private static Vertx nodeA;
  private static final List<PodiumProcess> PROCESSES = new ArrayList<>();
  private static final List<PodiumProcess> ROOMS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    podium = new PodiumHarness(ENV);
    nodeA = podium.startGatewayOnly();
    PodiumProcess.startAll(
        PROCESSES,
        podium.settings(),
        ENV,
        Launch.room("room-1"),
        Launch.room("room-2"),
        Launch.room("room-3"),
        Launch.presence("presence"),
        Launch.chat("chat"));
    ROOMS.addAll(PROCESSES.subList(0, 3));
    assertTrue(
        Polls.eventually(
            () ->
                podium.opsGet(nodeA, "/health/ready").status() == 200
                    && podium
                        .opsGet(nodeA, "/metrics")
                        .body()
                        .contains("podium_cluster_members 6.0"),
            90_000),
        "gateway ready in one cluster of six: " + podium.opsGet(nodeA, "/health/ready").body());
  }

  @AfterAll
  static void stop() {
    PROCESSES.forEach(PodiumProcess::close);
    podium.close();
  }

  private static List<PodiumProcess> owners(String eventId) {
    return ROOMS.stream().filter(p -> p.isAlive() && p.ownsEvent(eventId)).toList();
  }

  private static PodiumProcess owner(String eventId) {
    List<PodiumProcess> owners = owners(eventId);
    assertEquals(
        1,
        owners.size(),
        "exactly one owner of "
            + eventId
            + ": "
            + owners.stream().map(PodiumProcess::name).toList());
    return owners.get(0);
  }

  private static boolean eachHasOneOwner(Set<String> events) {
    return events.stream().allMatch(e -> owners(e).size() == 1);
  }

  private static int ownedEvents(PodiumProcess p) {
    return podium.getPort(p.opsPort(), "/metrics").ownedEvents("room-service");
  }

  private static Map<String, Set<String>> ownership(Set<String> events) {
    Map<String, Set<String>> byOwner = new LinkedHashMap<>();
    ROOMS.stream()
        .filter(PodiumProcess::isAlive)
        .forEach(p -> byOwner.put(p.name(), new HashSet<>()));
    events.forEach(e -> byOwner.get(owner(e).name()).add(e));
    return byOwner;
  }

  /** {@code podium_cluster_members} as the gateway sees it now. */
  private static String clusterMembers() {
    var members = podium.opsGet(nodeA, "/metrics").metric("podium_cluster_members", "");
    return members.isPresent() ? String.valueOf(members.getAsDouble()) : "?";
  }

  private static String loadAverage() {
    return String.format(
        "%.1f",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static TestSocket joinAt(String eventId, String userId) {
    return podium.join(nodeA, eventId, userId);
  }

  @Test
  void eventsSpreadMoveWithTheirStateOnlyWhenTheirOwnerGoesAndAFrozenOwnerIsFenced()
      throws Exception {
    // 1. Thirty events started through one gateway spread over the three instances.
    Map<String, TestSocket> hosts = new LinkedHashMap<>();
    Map<String, String> hostOf = new LinkedHashMap<>();
    for (int i = 0; i < EVENTS; i++) {
      TestSocket host = podium.goLive(nodeA, "host-" + i);
      String eventId = host.eventId();
      hosts.put(eventId, host);
      hostOf.put(eventId, "host-" + i);
    }
    Set<String> events = hosts.keySet();
    assertTrue(
        Polls.eventually(() -> eachHasOneOwner(events), 10_000), "every event has one owner");
    Map<String, Set<String>> before = ownership(events);
    System.out.println(
        "Owned events per instance: " + before.values().stream().map(Set::size).toList());
    int total = 0;
    for (PodiumProcess room : ROOMS) {
      int owned = ownedEvents(room);
      assertEquals(before.get(room.name()).size(), owned, room.name() + "'s podium_owned_events");
      assertTrue(owned >= 4, room.name() + " owns a fair share: " + owned);
      total += owned;
    }
    assertEquals(EVENTS, total);

    // 2. State on an event of room-1: a co-host, a pending invitation, a banned user.
    String e1 = before.get("room-1").iterator().next();
    TestSocket host1 = hosts.get(e1);
    TestSocket co = joinAt(e1, "co");
    co.expect("room_state");
    host1.send(new JsonObject().put("type", "invite_cohost").put("user_id", "co"));
    co.expect("cohost_invite");
    co.send(new JsonObject().put("type", "accept_cohost"));
    host1.expect("cohost_joined", m -> "co".equals(m.getString("participant_id")));
    TestSocket invited = joinAt(e1, "inv");
    invited.expect("room_state");
    host1.send(new JsonObject().put("type", "invite_cohost").put("user_id", "inv"));
    invited.expect("cohost_invite");
    TestSocket bad = joinAt(e1, "bad");
    bad.expect("room_state");
    host1.send(new JsonObject().put("type", "remove_participant").put("user_id", "bad"));
    bad.awaitClose();

    // 3. SIGKILL room-1: only its events move, to the two others, with their state; actions work
    // within 5 s.
    PodiumProcess room1 = ROOMS.get(0);
    long t1 = System.currentTimeMillis();
    room1.kill();
    Set<String> orphans = before.get("room-1");
    assertTrue(
        Polls.eventually(() -> orphans.stream().allMatch(e -> owners(e).size() == 1), 15_000),
        "room-1's events were taken over");
    long[] worked = {0};
    long retry =
        podium
            .clientVertx()
            .setPeriodic(250, id -> invited.send(new JsonObject().put("type", "accept_cohost")));
    try {
      assertTrue(
          TestSocket.awaitCondition(() -> !host1.pending("cohost_joined").isEmpty(), 20_000),
          "accept works again");
      worked[0] = System.currentTimeMillis() - t1;
    } finally {
      podium.clientVertx().cancelTimer(retry);
    }
    System.out.println("room-service kill: actions work again after " + worked[0] + " ms");
    assertEquals(
        "inv",
        host1.expect("cohost_joined").getString("participant_id"),
        "the pending invitation moved");
    assertTrue(worked[0] < 5_000, "recovery took " + worked[0] + " ms");
    Map<String, Set<String>> afterKill = ownership(events);
    for (String survivor : List.of("room-2", "room-3")) {
      assertTrue(
          afterKill.get(survivor).containsAll(before.get(survivor)), survivor + "'s events stayed");
    }
    assertFalse(
        afterKill.get("room-2").containsAll(orphans)
            || afterKill.get("room-3").containsAll(orphans),
        "room-1's events spread over both survivors: " + afterKill);
    JsonObject state = joinAt(e1, "late-1").expect("room_state");
    Set<String> cohosts = new HashSet<>();
    state.getJsonArray("cohosts").forEach(o -> cohosts.add(((JsonObject) o).getString("user_id")));
    assertEquals(Set.of("co", "inv"), cohosts, "roles moved with the event");
    TestSocket badAgain = joinAt(e1, "bad");
    assertNotEquals(-1, badAgain.awaitClose(), "the ban moved with the event");
    assertTrue(badAgain.seen("room_state").isEmpty(), "the banned user is not let in");

    // 4. A new instance takes a share: only events moving to it move.
    PodiumProcess room4 =
        PodiumProcess.start(
            "room-4", RoomServiceMain.class, podium.settings(), ENV, "room-service started");
    PROCESSES.add(room4);
    ROOMS.add(room4);
    assertTrue(
        Polls.eventually(
            () -> eachHasOneOwner(events) && events.stream().anyMatch(room4::ownsEvent), 15_000),
        "room-4 took over some events");
    Map<String, Set<String>> afterJoin = ownership(events);
    System.out.println(
        "After room-4 joined: " + afterJoin.values().stream().map(Set::size).toList());
    for (String old : List.of("room-2", "room-3")) {
      assertTrue(
          afterKill.get(old).containsAll(afterJoin.get(old)),
          old + " gained nothing from the newcomer's arrival");
    }

    // 5. A clean stop of room-2: its events go to the others at once, actions work.
    PodiumProcess room2 = ROOMS.get(1);
    Set<String> leaving = afterJoin.get("room-2");
    long t2 = System.currentTimeMillis();
    room2.stop();
    assertTrue(
        Polls.eventually(() -> leaving.stream().allMatch(e -> owners(e).size() == 1), 10_000),
        "room-2's events were taken over after its clean stop");
    System.out.println(
        "room-service clean stop: events taken over after "
            + (System.currentTimeMillis() - t2)
            + " ms");
    Map<String, Set<String>> afterStop = ownership(events);
    for (String old : List.of("room-3", "room-4")) {
      assertTrue(afterStop.get(old).containsAll(afterJoin.get(old)), old + "'s events stayed");
    }
    if (!leaving.isEmpty()) {
      String moved = leaving.iterator().next();
      TestSocket mover = hosts.get(moved);
      TestSocket target = joinAt(moved, "target-2");
      target.expect("room_state");
      mover.send(new JsonObject().put("type", "invite_cohost").put("user_id", "target-2"));
      target.expect("cohost_invite");
    }

    // 6. SIGSTOP an owner whose host is away (its grace timer runs there) for longer than the
    // grace:
    // another instance takes the event over, the host comes back there; when the frozen one wakes,
    // its overdue timer must not end the event, and it steps down.
    PodiumProcess frozen = ROOMS.get(2);
    String e6 = afterStop.get("room-3").iterator().next();
    TestSocket ear = joinAt(e6, "ear");
    ear.expect("room_state");
    hosts.get(e6).close();
    ear.expect("broadcast_message", m -> m.getString("message", "").contains("lost connection"));
    frozen.signal("STOP");
    long stoppedAt = System.currentTimeMillis();
    try {
      // Until the cluster has dropped the frozen member, calls routed to it time out: try again.
      boolean back = false;
      while (!back && System.currentTimeMillis() - stoppedAt < GRACE_MS - 1_500) {
        TestSocket attempt =
            podium.connect(
                nodeA,
                "/ws/stream/start/live/"
                    + hostOf.get(e6)
                    + "/?token="
                    + TestTokens.valid(hostOf.get(e6), hostOf.get(e6)));
        back =
            TestSocket.awaitCondition(
                () ->
                    ear.seen("broadcast_message").stream()
                        .anyMatch(m -> m.getString("message", "").contains("host is back")),
                3_000);
        if (!back) {
          attempt.close();
        }
      }
      // Under a load average of 20 and more (other clusters on the machine) Hazelcast also drops
      // healthy members after the SIGSTOP and the takeover comes too late: the message says so.
      assertTrue(
          back,
          "the host came back to the event while its first owner was frozen (the gateway counts "
              + clusterMembers()
              + " cluster members, 4 when only the frozen one is gone; load average "
              + loadAverage()
              + ")");
      assertFalse(
          frozen.ownsEvent(e6) && owners(e6).size() == 1, "another instance owns the event now");
      long left = STOP_MS - (System.currentTimeMillis() - stoppedAt);
      if (left > 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(left)); // the freeze itself
      }
    } finally {
      frozen.signal("CONT");
    }
    assertTrue(
        Polls.eventually(
            () ->
                frozen.lines().stream()
                    .anyMatch(
                        l ->
                            l.contains("room-service stepped down")
                                || (l.contains(e6) && l.contains("no longer owns event"))),
            15_000),
        "the frozen instance stepped down");
    // A deliberate window: the overdue grace timer fires as soon as the frozen JVM runs again.
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
    assertTrue(
        ear.seen("stream_ended").isEmpty(), "the stale owner's end of the event is not visible");
    assertEquals(
        "room_state",
        joinAt(e6, "late-6").expect("room_state").getString("type"),
        "the event is still live");
  }
}
