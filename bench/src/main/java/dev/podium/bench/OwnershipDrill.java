package dev.podium.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The ownership drill ({@code --ownership-drill}, issue 12): against a running {@code
 * deploy/local-cluster.sh} cluster with at least two room-services and two presence-services, one
 * run of
 *
 * <ol>
 *   <li>E hosts going live over the gateways, a listener in every event (two in every third), and
 *       how the events spread: each instance's {@code podium_owned_events} and, per event, the
 *       instance whose log last said "owns event";
 *   <li>state that must survive a move on the events of the instances about to die: a pending
 *       co-host invitation on each of them (and on a sample of events that do not move), and on ten
 *       of the room-service's also an accepted co-host and a banned user;
 *   <li>{@code kill -9} of the first room-service and the first presence-service at once, then per
 *       event: the time from the kill until the pending invitation's {@code accept_cohost} (sent
 *       every 250 ms, at most 4 unanswered) gives {@code cohost_joined}, until a new listener (a
 *       fresh one every 500 ms, at most 3 unanswered) gets {@code room_state}, and until that
 *       listener is on the participant list another listener receives; then whether only the killed
 *       instances' events moved, and whether anything was lost (invitations, co-hosts, bans,
 *       listeners on the list, sockets);
 *   <li>SIGSTOP of a surviving room-service for {@code --freeze-ms}, after the hosts of three of
 *       its events left (their grace timers run there, shorter than the freeze): the hosts come
 *       back while it is frozen, and after SIGCONT its overdue timers must end nothing (no {@code
 *       stream_ended}, the events still take joins) and it must log that it stepped down.
 * </ol>
 *
 * Every time is measured from the signal to the arrival of the message that shows it (each socket
 * keeps its messages' arrival times), not to when the drill looked. {@link DrillReport} judges the
 * figures against the targets and prints them.
 */
final class OwnershipDrill {
  private static final long MS = 1_000_000L;
  static final String ROOM = "room-service";
  static final String PRESENCE = "presence-service";

  /**
   * How often a pending invitation's accept is retried, and a new listener tries to join, after the
   * kill.
   */
  static final long ACCEPT_EVERY_MS = 250;

  static final long JOIN_EVERY_MS = 500;

  /**
   * Most unanswered accepts and join attempts per event. A call routed to a dead owner waits for
   * the 3 s proxy timeout, and the killed instances' events do not move before Hazelcast drops the
   * member (3 s), so a few in flight at the pace keep the resolution where it matters, while a slow
   * recovery does not turn a couple of hundred events' retries into a flood that slows it.
   */
  static final int ACCEPTS_IN_FLIGHT = 4;

  static final int JOINS_IN_FLIGHT = 3;

  /** Longest the drill waits for the moved events to work again. */
  static final long RECOVERY_WINDOW_MS = 60_000;

  /**
   * Longest the drill waits after the kill step for the cluster's CPU to come back to its level
   * before the kill.
   */
  static final long CALM_WAIT_MS = 60_000;

  /** Events that do not move but are timed the same way, to show that the kill left them alone. */
  static final int UNMOVED_SAMPLE = 20;

  /** Events of the killed room-service that also get a co-host and a banned user. */
  static final int STATE_EVENTS = 10;

  /** Events of the frozen room-service whose hosts leave before the freeze. */
  static final int AWAY_EVENTS = 3;

  /**
   * A host coming back during the freeze gives up on an attempt after this long and opens another.
   */
  static final long HOST_ATTEMPT_MS = 3_000;

  /** How long after the frozen instance's step-down the drill watches for its overdue writes. */
  static final long WATCH_AFTER_WAKE_MS = 3_000;

  /** Most go-lives in flight, as in the control plane. */
  private static final int HOSTS_IN_FLIGHT = 16;

  private static final long STEP_WAIT_MS = 30_000;

  private final BenchOptions opts;
  private final Tokens tokens;
  private final long tokenExp;
  private final int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
  private final List<Context> contexts = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();

  /**
   * The frozen instance's events whose host did not come back in time (the new owner ended them).
   */
  private final List<Event> awayNotBack = new ArrayList<>();

  private final List<DrillSocket> sockets = new ArrayList<>();
  private final JsonObject result = new JsonObject();

  /**
   * The Hazelcast port of the member that the kill made master, or -1 when the master did not
   * change.
   */
  private int newMasterPort = -1;

  private Vertx vertx;
  private WebSocketClient client;
  private LocalCluster cluster;
  private int nextContext;

  /** One live event of the drill and the sockets in it. */
  private static final class Event {
    final int index;
    final String hostId;
    String id;
    DrillSocket host;
    final List<DrillSocket> hostAttempts = new ArrayList<>();
    final List<DrillSocket> ears = new ArrayList<>();
    DrillSocket invitee;
    DrillSocket cohost;
    DrillSocket banned;
    String roomOwner;
    String presenceOwner;
    boolean roomMoved;
    boolean presenceMoved;
    boolean state;
    boolean tracked;
    long nextAccept;
    int acceptsSent;
    long nextJoin;
    long stageAt = -1;
    String stageLost;
    final List<DrillSocket> lateJoins = new ArrayList<>();
    long joinAt = -1;
    long listedAt = -1;

    Event(int index, String hostId) {
      this.index = index;
      this.hostId = hostId;
    }

    boolean tracked() {
      return tracked;
    }

    boolean recovered() {
      return (stageAt >= 0 || stageLost != null) && listedAt >= 0;
    }
  }

  OwnershipDrill(BenchOptions opts) {
    this.opts = opts;
    this.tokens = new Tokens(opts.secret());
    this.tokenExp = System.currentTimeMillis() / 1000 + 3600;
  }

  JsonObject run() {
    cluster = LocalCluster.read(Path.of(opts.clusterDir()));
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    LocalCluster.Instance frozen = null;
    try {
      client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
      LoadGenerator.await(
          vertx.deployVerticle(
              () -> new LoadGenerator.ContextHolder(contexts),
              new DeploymentOptions().setInstances(loops)),
          10_000,
          "starting event loops");
      result
          .put("mode", "ownership-drill")
          .put("label", opts.label())
          .put("events", opts.events())
          .put("bases", new JsonArray(opts.bases().stream().map(Object::toString).toList()))
          .put("cluster_dir", opts.clusterDir())
          .put("freeze_ms", opts.freezeMs())
          .put("host_grace_ms", opts.hostGraceMs())
          .put("kill_instance", opts.killInstance())
          .put("load_average_start", ProcStats.loadAverage());
      List<LocalCluster.Instance> rooms = cluster.of(ROOM);
      List<LocalCluster.Instance> presences = cluster.of(PRESENCE);
      if (rooms.size() < 2 || presences.size() < 2) {
        throw new IllegalStateException(
            "the drill needs at least two room-services and two presence-services, the cluster has "
                + rooms.size()
                + " and "
                + presences.size());
      }
      if (opts.killInstance() > Math.min(rooms.size(), presences.size())) {
        throw new IllegalStateException(
            "--kill-instance "
                + opts.killInstance()
                + ": the cluster has "
                + rooms.size()
                + " room-services and "
                + presences.size()
                + " presence-services");
      }
      for (LocalCluster.Instance i : cluster.all()) {
        if (!LocalCluster.alive(i) || !LocalCluster.isInstance(i)) {
          throw new IllegalStateException(
              i.name() + " (pid " + i.pid() + ") does not run: start the cluster first");
        }
      }
      cluster.refreshLogs();

      long t = System.nanoTime();
      goLive();
      result.put("setup_s", Report.round((System.nanoTime() - t) / 1e9));
      spread(rooms, presences);
      LocalCluster.Instance roomVictim = rooms.get(opts.killInstance() - 1);
      LocalCluster.Instance presenceVictim = presences.get(opts.killInstance() - 1);
      prepareState(roomVictim, presenceVictim);
      kill(roomVictim, presenceVictim, rooms, presences);
      // A survivor that is not Hazelcast's master, when the kill showed who became master: freezing
      // the master too would add an election to the takeover (the report names every change).
      frozen =
          rooms.stream()
              .filter(i -> i != roomVictim && i.clusterPort() != newMasterPort)
              .reduce((a, b) -> b)
              .orElse(rooms.get(rooms.size() - 1));
      freeze(frozen);
      frozen = null;
      // Events that ended before the drill ended them, but for the frozen instance's events whose
      // host was not back within its grace (their end is the new owner's, and right).
      result.put(
          "events_ended",
          events.stream()
              .filter(e -> !awayNotBack.contains(e) && endedAt(e, Long.MIN_VALUE) > 0)
              .map(e -> e.id)
              .toList()
              .size());
      result.put("load_average_end", ProcStats.loadAverage());
      return DrillReport.judge(result);
    } finally {
      if (frozen != null && LocalCluster.alive(frozen)) {
        try {
          LocalCluster.signal("CONT", List.of(frozen));
        } catch (RuntimeException e) {
          System.err.println("podium-bench: " + e.getMessage());
        }
      }
      endEvents();
      try {
        LoadGenerator.await(vertx.close(), 15_000, "closing the drill's clients");
      } catch (RuntimeException e) {
        System.err.println("podium-bench: " + e.getMessage());
      }
    }
  }

  // ---- a. Hosts go live, listeners join --------------------------------------------------------

  private void goLive() {
    int n = opts.bases().size();
    for (int k = 0; k < opts.events(); k++) {
      events.add(new Event(k, opts.hostId(k)));
    }
    int[] retries = {0};
    for (int from = 0; from < events.size(); from += HOSTS_IN_FLIGHT) {
      List<Event> batch = events.subList(from, Math.min(events.size(), from + HOSTS_IN_FLIGHT));
      for (Event e : batch) {
        e.host = connect(e.index % n, goLivePath(e.hostId), e.hostId);
        e.hostAttempts.add(e.host);
      }
      long deadline = System.nanoTime() + STEP_WAIT_MS * MS;
      await(
          () -> {
            long now = System.nanoTime();
            boolean all = true;
            for (Event e : batch) {
              all &= hostIn(e, now, now < deadline, n, retries);
            }
            return all;
          },
          STEP_WAIT_MS + opts.joinTimeoutMs(),
          10);
      for (Event e : batch) {
        require(
            e.host.first("room_state") != null && !e.host.isClosed(),
            "host " + e.hostId + " could not go live: " + why(e.host));
        e.id = e.host.first("stream_link").message().getString("event_id");
      }
    }
    result.put("go_live_retries", retries[0]);
    // A listener in every event through another gateway than its host's, a second in every third.
    List<Join> ears = new ArrayList<>();
    for (Event e : events) {
      ears.add(new Join((e.index + 1) % n, e.id, user(e, "ear")));
      if (e.index % 3 == 0) {
        ears.add(new Join(e.index % n, e.id, user(e, "ear2")));
      }
    }
    List<DrillSocket> in = joinAll(ears, "listeners");
    int next = 0;
    for (Event e : events) {
      e.ears.add(in.get(next++));
      if (e.index % 3 == 0) {
        e.ears.add(in.get(next++));
      }
    }
    result.put("hosts", events.size()).put("listeners", ears.size());
  }

  /**
   * Whether the host is in its event ({@code room_state}). A go-live can get {@code stream_link}
   * and then be closed with "try again" (its presence join timed out on a busy cluster; the event
   * then waits out the host's grace): the host goes live again, as a client does, and resumes it.
   */
  private boolean hostIn(Event e, long now, boolean retry, int n, int[] retries) {
    if (e.host.first("room_state") != null) {
      return true;
    }
    if (!e.host.isClosed()) {
      return false;
    }
    if (!retry) {
      return true;
    }
    if (now - e.host.closedAtNanos() >= JOIN_EVERY_MS * MS) {
      e.host = connect((e.index + e.hostAttempts.size()) % n, goLivePath(e.hostId), e.hostId);
      e.hostAttempts.add(e.host);
      retries[0]++;
    }
    return false;
  }

  // ---- b. How the events spread ----------------------------------------------------------------

  private void spread(List<LocalCluster.Instance> rooms, List<LocalCluster.Instance> presences) {
    int e = events.size();
    boolean settled =
        await(
            () -> {
              cluster.refreshLogs();
              return events.stream()
                      .allMatch(
                          ev ->
                              owners(rooms, ev.id).size() == 1
                                  && owners(presences, ev.id).size() == 1)
                  && rooms.stream().mapToInt(cluster::ownedEvents).sum() == e
                  && presences.stream().mapToInt(cluster::ownedEvents).sum() == e;
            },
            STEP_WAIT_MS,
            250);
    cluster.refreshLogs();
    for (Event ev : events) {
      List<String> r = owners(rooms, ev.id);
      List<String> p = owners(presences, ev.id);
      ev.roomOwner = r.size() == 1 ? r.get(0) : null;
      ev.presenceOwner = p.size() == 1 ? p.get(0) : null;
    }
    result.put("owners_settled", settled);
    result.put(
        "owned_before", new JsonObject().put(ROOM, owned(rooms)).put(PRESENCE, owned(presences)));
    result.put(
        "events_without_one_owner",
        events.stream().filter(ev -> ev.roomOwner == null || ev.presenceOwner == null).count());
  }

  /** Per instance: {@code podium_owned_events} and the events its log says it owns. */
  private JsonObject owned(List<LocalCluster.Instance> instances) {
    JsonObject out = new JsonObject();
    for (LocalCluster.Instance i : instances) {
      boolean alive = LocalCluster.alive(i);
      out.put(
          i.name(),
          new JsonObject()
              .put("alive", alive)
              .put("metric", alive ? cluster.ownedEvents(i) : null)
              .put(
                  "log",
                  alive ? (int) events.stream().filter(ev -> i.log().owns(ev.id)).count() : null));
    }
    return out;
  }

  /** The live instances whose log last said they own the event. */
  private static List<String> owners(List<LocalCluster.Instance> instances, String eventId) {
    return instances.stream()
        .filter(i -> LocalCluster.alive(i) && i.log().owns(eventId))
        .map(LocalCluster.Instance::name)
        .toList();
  }

  // ---- c. State on the events about to move, the kill, recovery --------------------------------

  private void prepareState(
      LocalCluster.Instance roomVictim, LocalCluster.Instance presenceVictim) {
    int n = opts.bases().size();
    int unmoved = 0;
    int state = 0;
    for (Event e : events) {
      e.roomMoved = roomVictim.name().equals(e.roomOwner);
      e.presenceMoved = presenceVictim.name().equals(e.presenceOwner);
      boolean sample =
          !e.roomMoved
              && !e.presenceMoved
              && e.roomOwner != null
              && e.presenceOwner != null
              && unmoved < UNMOVED_SAMPLE;
      if (!(e.roomMoved || e.presenceMoved || sample)) {
        continue;
      }
      unmoved += sample ? 1 : 0;
      e.tracked = true;
      if (e.roomMoved && state < STATE_EVENTS) {
        state++;
        e.state = true;
      }
    }
    List<Event> tracked = tracked();
    List<Join> joining = new ArrayList<>();
    for (Event e : tracked) {
      joining.add(new Join(e.index % n, e.id, user(e, "inv")));
      if (e.state) {
        joining.add(new Join((e.index + 1) % n, e.id, user(e, "co")));
        joining.add(new Join(e.index % n, e.id, user(e, "bad")));
      }
    }
    List<DrillSocket> in = joinAll(joining, "invitees, co-hosts and users to ban");
    int next = 0;
    for (Event e : tracked) {
      e.invitee = in.get(next++);
      if (e.state) {
        e.cohost = in.get(next++);
        e.banned = in.get(next++);
      }
    }
    for (Event e : tracked) {
      if (e.state) {
        e.host.send(stage("invite_cohost", e.cohost.userId));
      }
      e.host.send(stage("invite_cohost", e.invitee.userId));
    }
    require(
        await(
            () ->
                tracked.stream()
                    .allMatch(
                        e ->
                            e.invitee.first("cohost_invite") != null
                                && (!e.state || e.cohost.first("cohost_invite") != null)),
            STEP_WAIT_MS,
            20),
        "co-host invitations not all delivered");
    for (Event e : tracked) {
      if (e.state) {
        e.cohost.send(new JsonObject().put("type", "accept_cohost"));
      }
    }
    require(
        await(
            () ->
                tracked.stream()
                    .filter(e -> e.state)
                    .allMatch(
                        e ->
                            e.host.first(
                                    "cohost_joined",
                                    m -> e.cohost.userId.equals(m.getString("participant_id")),
                                    Long.MIN_VALUE)
                                != null),
            STEP_WAIT_MS,
            20),
        "co-hosts not all on stage");
    for (Event e : tracked) {
      if (e.state) {
        e.host.send(stage("remove_participant", e.banned.userId));
      }
    }
    require(
        await(
            () -> tracked.stream().filter(e -> e.state).allMatch(e -> e.banned.isClosed()),
            STEP_WAIT_MS,
            20),
        "banned users not all removed");
    result.put(
        "tracked",
        new JsonObject()
            .put("room_moved", tracked.stream().filter(e -> e.roomMoved).count())
            .put("presence_moved", tracked.stream().filter(e -> e.presenceMoved).count())
            .put("both_moved", tracked.stream().filter(e -> e.roomMoved && e.presenceMoved).count())
            .put("unmoved", unmoved)
            .put("with_cohost_and_ban", state));
    // The presence-service writes its cluster copy behind the joins: a moment for it, as a real
    // room would have between the last join and a failure. What the cluster costs meanwhile is
    // the baseline against which the recovery's CPU reads.
    CpuWindow calm = new CpuWindow();
    LoadGenerator.sleepMs(opts.settleMs());
    result.put("cpu_before_kill", calm.end());
  }

  private void kill(
      LocalCluster.Instance roomVictim,
      LocalCluster.Instance presenceVictim,
      List<LocalCluster.Instance> rooms,
      List<LocalCluster.Instance> presences) {
    List<Event> tracked = tracked();
    List<DrillSocket> standing = new ArrayList<>();
    for (Event e : events) {
      standing.add(e.host);
      standing.addAll(e.ears);
      if (e.tracked()) {
        standing.add(e.invitee);
      }
      if (e.state) {
        standing.add(e.cohost);
      }
    }
    long closedBefore = standing.stream().filter(DrillSocket::isClosed).count();
    cluster.refreshLogs();
    Map<LocalCluster.Instance, Integer> marks = marks();
    double loadAtKill = ProcStats.loadAverage();
    CpuWindow cpu = new CpuWindow();
    LocalTime killClock = LocalTime.now();
    long t0 = System.nanoTime();
    LocalCluster.signal("KILL", List.of(roomVictim, presenceVictim));
    result.put("killed", new JsonArray().add(roomVictim.name()).add(presenceVictim.name()));
    for (Event e : tracked) {
      e.nextAccept = t0;
      e.nextJoin = t0;
    }
    int n = opts.bases().size();
    long deadline = t0 + RECOVERY_WINDOW_MS * MS;
    while (System.nanoTime() < deadline && !tracked.stream().allMatch(Event::recovered)) {
      long now = System.nanoTime();
      for (Event e : tracked) {
        recoverStage(e, t0, now);
        recoverJoin(e, t0, now, n);
      }
      LoadGenerator.sleepMs(5);
    }
    JsonObject cpuDuringRecovery = cpu.end();
    // Join attempts still in flight settle (in, or closed with service_unavailable).
    List<DrillSocket> attempts = tracked.stream().flatMap(e -> e.lateJoins.stream()).toList();
    await(
        () -> attempts.stream().allMatch(s -> s.first("room_state") != null || s.isClosed()),
        15_000,
        20);
    attempts.stream().filter(s -> s.first("room_state") == null).forEach(DrillSocket::close);

    JsonObject kill =
        new JsonObject()
            .put("join_attempts", attempts.size())
            .put("errors_during_recovery", errorsByCode(tracked, t0))
            .put("load_average_at_kill", loadAtKill)
            .put("cpu_during_recovery", cpuDuringRecovery)
            .put("master_changed", masterChanges(marks))
            .put(
                "members_dropped_ms",
                membersDropped(marks, List.of(roomVictim, presenceVictim), killClock));
    kill.put(
        "all", recovery(tracked.stream().filter(e -> e.roomMoved || e.presenceMoved).toList(), t0));
    kill.put("room_moved", recovery(tracked.stream().filter(e -> e.roomMoved).toList(), t0));
    kill.put(
        "presence_moved", recovery(tracked.stream().filter(e -> e.presenceMoved).toList(), t0));
    kill.put(
        "unmoved",
        recovery(tracked.stream().filter(e -> !e.roomMoved && !e.presenceMoved).toList(), t0));
    kill.put(
        "stage_lost",
        new JsonArray(
            tracked.stream()
                .filter(e -> e.stageAt < 0)
                .map(
                    e ->
                        e.id
                            + ": "
                            + (e.stageLost == null
                                ? "no cohost_joined within "
                                    + RECOVERY_WINDOW_MS
                                    + " ms ("
                                    + e.acceptsSent
                                    + " accepts sent, last error "
                                    + errorCode(e.invitee)
                                    + "; "
                                    + roomSaw(e, t0)
                                    + ")"
                                : e.stageLost))
                .toList()));

    // Who owns what now: each moved event has one live owner, and the survivors kept theirs.
    Set<String> roomMoved = ids(e -> e.roomMoved);
    Set<String> presenceMoved = ids(e -> e.presenceMoved);
    boolean takenOver =
        await(
            () -> {
              cluster.refreshLogs();
              return roomMoved.stream().allMatch(id -> owners(rooms, id).size() == 1)
                  && presenceMoved.stream().allMatch(id -> owners(presences, id).size() == 1);
            },
            20_000,
            100);
    kill.put("taken_over", takenOver);
    kill.put("room", moves(rooms, roomVictim, e -> e.roomOwner, roomMoved, killClock));
    kill.put(
        "presence",
        moves(presences, presenceVictim, e -> e.presenceOwner, presenceMoved, killClock));
    await(
        () -> sum(owned(rooms)) == events.size() && sum(owned(presences)) == events.size(),
        10_000,
        250);
    kill.put(
        "owned_after", new JsonObject().put(ROOM, owned(rooms)).put(PRESENCE, owned(presences)));

    // Nothing lost: listeners listed, co-hosts kept, bans kept, nobody's socket dropped.
    kill.put("listeners_missing", listenersMissing(tracked));
    kill.put("cohosts_lost", cohostsLost(tracked, n));
    kill.put("bans_lost", bansLost(tracked, n));
    kill.put(
        "sockets_closed", standing.stream().filter(DrillSocket::isClosed).count() - closedBefore);
    result.put("kill", kill);

    // Before the next failure, the cluster settles: every process sees the same, smaller cluster.
    List<LocalCluster.Instance> alive = cluster.all().stream().filter(LocalCluster::alive).toList();
    boolean settled =
        await(
            () -> alive.stream().allMatch(i -> cluster.clusterMembers(i) == alive.size()),
            STEP_WAIT_MS,
            500);
    kill.put("cluster_settled", settled);
    // ... and is about as busy as before the kill again (its takeovers, resyncs and the drill's
    // retries done), so that the freeze measures the freeze, not the kill's aftermath.
    Double before = result.getJsonObject("cpu_before_kill").getDouble("cluster_pct");
    long calmStart = System.nanoTime();
    JsonObject[] last = {null};
    boolean calm =
        before != null
            && await(
                () -> {
                  CpuWindow w = new CpuWindow();
                  LoadGenerator.sleepMs(2_000);
                  last[0] = w.end();
                  Double now = last[0].getDouble("cluster_pct");
                  return now != null && now <= before * 1.2 + 10;
                },
                CALM_WAIT_MS,
                1);
    kill.put("calm_again", calm)
        .put("calm_wait_ms", (System.nanoTime() - calmStart) / MS)
        .put("cpu_when_calm", last[0]);
    LoadGenerator.sleepMs(opts.settleMs());
  }

  /** Sends the pending invitation's accept when due; notes when it worked or that it was lost. */
  private void recoverStage(Event e, long t0, long now) {
    if (e.stageAt >= 0 || e.stageLost != null) {
      return;
    }
    DrillSocket.Received joined =
        e.invitee.first(
            "cohost_joined", m -> e.invitee.userId.equals(m.getString("participant_id")), t0);
    if (joined != null) {
      e.stageAt = joined.atNanos();
      return;
    }
    DrillSocket.Received refused =
        e.invitee.first("error", m -> showsLoss(m.getString("code")), t0);
    if (refused != null) {
      e.stageLost = "accept_cohost refused: " + refused.message().getString("code");
      return;
    }
    if (e.invitee.isClosed()) {
      e.stageLost = "the invitee's socket closed";
      return;
    }
    // Each accept is answered by an error or (once) by cohost_joined: the unanswered ones are in
    // flight.
    int inFlight = e.acceptsSent - e.invitee.all("error", t0).size();
    if (now >= e.nextAccept && inFlight < ACCEPTS_IN_FLIGHT) {
      e.invitee.send(new JsonObject().put("type", "accept_cohost"));
      e.acceptsSent++;
      e.nextAccept = Math.max(e.nextAccept, now) + ACCEPT_EVERY_MS * MS;
    }
  }

  /**
   * For an invitation whose acceptance the invitee never saw: whether the room saw it (the host's
   * and the first listener's {@code cohost_joined}, the listener's latest list), which tells a lost
   * acceptance from a lost announcement.
   */
  private static String roomSaw(Event e, long t0) {
    String invitee = e.invitee.userId;
    boolean host =
        e.host.first("cohost_joined", m -> invitee.equals(m.getString("participant_id")), t0)
            != null;
    DrillSocket ear = e.ears.get(0);
    boolean heard =
        ear.first("cohost_joined", m -> invitee.equals(m.getString("participant_id")), t0) != null;
    DrillSocket.Received list = ear.last("participant_list");
    String role =
        list == null
            ? null
            : list.message().getJsonArray("participants", new JsonArray()).stream()
                .map(JsonObject.class::cast)
                .filter(p -> invitee.equals(p.getString("user_id")))
                .map(p -> p.getString("role"))
                .findFirst()
                .orElse("absent");
    return "host saw cohost_joined " + host + ", listener " + heard + ", its latest list: " + role;
  }

  /**
   * Refusals of a pending invitation's accept that mean the invitation (or the invitee's place in
   * the event) was lost. Anything else during a move means "not now" and is retried: the gateway
   * words {@code internal} and {@code service_unavailable} alike, "try again".
   */
  static boolean showsLoss(String code) {
    return "not_invited".equals(code)
        || "invite_expired".equals(code)
        || "not_in_room".equals(code);
  }

  /**
   * Opens a new listener when due; notes when one got in and when another listener saw it listed.
   */
  private void recoverJoin(Event e, long t0, long now, int n) {
    if (e.joinAt < 0) {
      for (DrillSocket s : e.lateJoins) {
        DrillSocket.Received in = s.first("room_state");
        if (in != null && (e.joinAt < 0 || in.atNanos() < e.joinAt)) {
          e.joinAt = in.atNanos();
        }
      }
      long pending =
          e.lateJoins.stream().filter(s -> !s.isClosed() && s.first("room_state") == null).count();
      if (e.joinAt < 0 && now >= e.nextJoin && pending < JOINS_IN_FLIGHT) {
        String user = user(e, "late" + e.lateJoins.size());
        e.lateJoins.add(connect((e.index + e.lateJoins.size()) % n, joinPath(e.id, user), user));
        e.nextJoin = Math.max(e.nextJoin, now) + JOIN_EVERY_MS * MS;
      }
    }
    if (e.joinAt >= 0 && e.listedAt < 0) {
      Set<String> in =
          e.lateJoins.stream()
              .filter(s -> s.first("room_state") != null)
              .map(s -> s.userId)
              .collect(Collectors.toSet());
      DrillSocket.Received list =
          e.ears
              .get(0)
              .first("participant_list", m -> listed(m).stream().anyMatch(in::contains), t0);
      if (list != null) {
        e.listedAt = list.atNanos();
      }
    }
  }

  /**
   * The errors the invitees and the join attempts got after the kill, by code (accept_cohost,
   * join).
   */
  private static JsonObject errorsByCode(List<Event> tracked, long t0) {
    Map<String, Integer> accept = new java.util.TreeMap<>();
    Map<String, Integer> join = new java.util.TreeMap<>();
    for (Event e : tracked) {
      e.invitee
          .all("error", t0)
          .forEach(m -> accept.merge(m.getString("code", "?"), 1, Integer::sum));
      e.lateJoins.forEach(
          s ->
              s.all("error", t0)
                  .forEach(m -> join.merge(m.getString("code", "?"), 1, Integer::sum)));
    }
    return new JsonObject()
        .put("accept_cohost", new JsonObject(new LinkedHashMap<>(accept)))
        .put("join", new JsonObject(new LinkedHashMap<>(join)));
  }

  /**
   * When the invitee knew its acceptance applied (ms after the kill, -1 if never): its {@code
   * cohost_joined}, or an earlier {@code already_cohost} answering a later retry (the acceptance
   * went through, its announcement had not arrived yet). Set beside {@code stage_ms}, it tells the
   * time the owner took to act from the time the room's announcement took to arrive.
   */
  private static long stageAppliedBy(Event e, long t0) {
    DrillSocket.Received already =
        e.invitee.first("error", m -> "already_cohost".equals(m.getString("code")), t0);
    long at = e.stageAt;
    if (already != null && (at < 0 || already.atNanos() < at)) {
      at = already.atNanos();
    }
    return at < 0 ? -1 : (at - t0) / MS;
  }

  /**
   * Recovery figures of these events: stage action applied and announced, join answered, join
   * listed (ms after the kill).
   */
  private static JsonObject recovery(List<Event> of, long t0) {
    return new JsonObject()
        .put("events", of.size())
        .put(
            "stage_applied_ms",
            DrillReport.stats(
                of.stream().mapToLong(e -> stageAppliedBy(e, t0)).filter(ms -> ms >= 0).toArray(),
                of.size()))
        .put(
            "stage_ms",
            DrillReport.stats(
                of.stream()
                    .filter(e -> e.stageAt >= 0)
                    .mapToLong(e -> (e.stageAt - t0) / MS)
                    .toArray(),
                of.size()))
        .put(
            "join_ms",
            DrillReport.stats(
                of.stream()
                    .filter(e -> e.joinAt >= 0)
                    .mapToLong(e -> (e.joinAt - t0) / MS)
                    .toArray(),
                of.size()))
        .put(
            "listed_ms",
            DrillReport.stats(
                of.stream()
                    .filter(e -> e.listedAt >= 0)
                    .mapToLong(e -> (e.listedAt - t0) / MS)
                    .toArray(),
                of.size()));
  }

  /**
   * How one service's events moved: per survivor, whether it kept every event it had; whether the
   * events that changed owner are exactly the victim's; and how long after the kill each new
   * owner's log said it owns its event.
   */
  private JsonObject moves(
      List<LocalCluster.Instance> instances,
      LocalCluster.Instance victim,
      java.util.function.Function<Event, String> before,
      Set<String> victims,
      LocalTime killClock) {
    cluster.refreshLogs();
    Set<String> changed = new TreeSet<>();
    List<String> survivorsLost = new ArrayList<>();
    List<Long> takeover = new ArrayList<>();
    for (Event e : events) {
      List<String> now = owners(instances, e.id);
      String owner = now.size() == 1 ? now.get(0) : null;
      if (before.apply(e) != null && !java.util.Objects.equals(owner, before.apply(e))) {
        changed.add(e.id);
        if (!victim.name().equals(before.apply(e))) {
          survivorsLost.add(e.id + " (" + before.apply(e) + " -> " + owner + ")");
        }
      }
      if (victims.contains(e.id) && owner != null) {
        LocalCluster.Instance o =
            instances.stream().filter(i -> i.name().equals(owner)).findFirst().orElseThrow();
        OwnershipLog.Word w = o.log().word(e.id);
        if (w != null && w.at() != null) {
          long ms = Duration.between(killClock, w.at()).toMillis();
          takeover.add(ms < -12 * 3600_000L ? ms + 24 * 3600_000L : ms);
        }
      }
    }
    Map<String, Integer> gained = new LinkedHashMap<>();
    for (LocalCluster.Instance i : instances) {
      if (i != victim) {
        gained.put(
            i.name(),
            (int)
                events.stream().filter(e -> victims.contains(e.id) && i.log().owns(e.id)).count());
      }
    }
    return new JsonObject()
        .put("victim", victim.name())
        .put("victim_events", victims.size())
        .put("changed_owner", changed.size())
        .put(
            "only_victims_moved", changed.equals(new TreeSet<>(victims)) && survivorsLost.isEmpty())
        .put("survivor_events_moved", new JsonArray(survivorsLost))
        .put("gained", new JsonObject(new LinkedHashMap<>(gained)))
        .put(
            "takeover_logged_ms",
            DrillReport.stats(
                takeover.stream().mapToLong(Long::longValue).toArray(), victims.size()));
  }

  private static int sum(JsonObject owned) {
    int total = 0;
    for (String name : owned.fieldNames()) {
      Integer m = owned.getJsonObject(name).getInteger("metric");
      total += m == null || m < 0 ? 0 : m;
    }
    return total;
  }

  /**
   * Waits (bounded) until another listener's latest participant list holds everyone still connected
   * to each tracked event; returns the events where someone stayed missing, with who.
   */
  private JsonArray listenersMissing(List<Event> tracked) {
    Map<Event, Set<String>> expected = new LinkedHashMap<>();
    for (Event e : tracked) {
      Set<String> users = new TreeSet<>();
      List<DrillSocket> present = new ArrayList<>(List.of(e.host, e.invitee));
      present.addAll(e.ears);
      present.addAll(e.lateJoins);
      if (e.state) {
        present.add(e.cohost);
      }
      present.stream()
          .filter(s -> !s.isClosed() && (s == e.host || s.first("room_state") != null))
          .forEach(s -> users.add(s.userId));
      expected.put(e, users);
    }
    await(
        () ->
            expected.entrySet().stream().allMatch(x -> missing(x.getKey(), x.getValue()).isEmpty()),
        15_000,
        50);
    JsonArray out = new JsonArray();
    expected.forEach(
        (e, users) -> {
          Set<String> gone = missing(e, users);
          if (!gone.isEmpty()) {
            out.add(e.id + ": " + gone);
          }
        });
    return out;
  }

  /**
   * Users expected on the event's list that its first listener's latest list lacks (or a banned
   * user it shows).
   */
  private static Set<String> missing(Event e, Set<String> users) {
    DrillSocket.Received list = e.ears.get(0).last("participant_list");
    Set<String> shown = list == null ? Set.of() : listed(list.message());
    Set<String> out = new TreeSet<>(users);
    out.removeAll(shown);
    if (e.banned != null && shown.contains(e.banned.userId)) {
      out.add("banned " + e.banned.userId + " listed");
    }
    return out;
  }

  /** A new listener's {@code room_state} must name the invitee (now a co-host) and the co-host. */
  private JsonArray cohostsLost(List<Event> tracked, int n) {
    List<Join> joins =
        tracked.stream().map(e -> new Join((e.index + 1) % n, e.id, user(e, "chk"))).toList();
    List<DrillSocket> answered = answered(joins);
    JsonArray out = new JsonArray();
    for (int i = 0; i < tracked.size(); i++) {
      Event e = tracked.get(i);
      DrillSocket s = answered.get(i);
      DrillSocket.Received state = s.first("room_state");
      Set<String> want = new TreeSet<>();
      if (e.stageAt >= 0) {
        want.add(e.invitee.userId);
      }
      if (e.state) {
        want.add(e.cohost.userId);
      }
      Set<String> have = new HashSet<>();
      if (state != null) {
        state
            .message()
            .getJsonArray("cohosts", new JsonArray())
            .forEach(o -> have.add(((JsonObject) o).getString("user_id")));
      }
      if (state == null || !have.containsAll(want)) {
        out.add(
            e.id
                + ": "
                + (state == null
                    ? "no room_state (" + why(s) + ")"
                    : "co-hosts " + have + ", expected " + want));
      }
    }
    return out;
  }

  /** A banned user who comes back must be refused (no {@code room_state}, socket closed). */
  private JsonArray bansLost(List<Event> tracked, int n) {
    List<Event> banned = tracked.stream().filter(e -> e.state).toList();
    List<DrillSocket> again =
        answered(banned.stream().map(e -> new Join(e.index % n, e.id, e.banned.userId)).toList());
    JsonArray out = new JsonArray();
    for (int i = 0; i < banned.size(); i++) {
      DrillSocket s = again.get(i);
      String code = errorCode(s);
      if (s.first("room_state") != null) {
        out.add(banned.get(i).id + ": " + s.userId + " got in again");
      } else if (!"banned".equals(code)) {
        out.add(banned.get(i).id + ": " + s.userId + " not refused as banned (" + why(s) + ")");
      }
    }
    return out;
  }

  // ---- d. SIGSTOP of an owner whose hosts went away --------------------------------------------

  private void freeze(LocalCluster.Instance frozen) {
    int n = opts.bases().size();
    JsonObject stop = new JsonObject().put("frozen", frozen.name());
    cluster.refreshLogs();
    // Events of the frozen instance, untouched so far by preference.
    List<Event> away = new ArrayList<>();
    for (boolean untouched : new boolean[] {true, false}) {
      for (Event e : events) {
        if (away.size() < AWAY_EVENTS
            && !away.contains(e)
            && e.tracked() != untouched
            && frozen.log().owns(e.id)
            && !e.host.isClosed()) {
          away.add(e);
        }
      }
    }
    require(!away.isEmpty(), frozen.name() + " owns no event to freeze with");
    long left = System.nanoTime();
    for (Event e : away) {
      e.host.close();
    }
    boolean noticed =
        await(
            () ->
                away.stream()
                    .allMatch(
                        e ->
                            e.ears
                                    .get(0)
                                    .first(
                                        "broadcast_message",
                                        m -> m.getString("message", "").contains("lost connection"),
                                        left)
                                != null),
            10_000,
            20);
    stop.put("away_events", away.size()).put("host_away_noticed", noticed);

    cluster.refreshLogs();
    Map<LocalCluster.Instance, Integer> marks = marks();
    int mark = marks.get(frozen);
    CpuWindow cpu = new CpuWindow();
    LocalTime contClock;
    long ts = System.nanoTime();
    LocalCluster.signal("STOP", List.of(frozen));
    Map<Event, Long> backAt = new LinkedHashMap<>();
    Map<Event, DrillSocket> current = new LinkedHashMap<>();
    try {
      // The hosts come back while the owner is frozen, before their grace (counted from when they
      // left) runs out: an attempt that gets no "host is back" within 3 s (its go-live went to
      // the frozen instance, say) gives way to a new one.
      long until = left + (opts.hostGraceMs() - 1_500) * MS;
      while (System.nanoTime() < until && backAt.size() < away.size()) {
        for (Event e : away) {
          if (backAt.containsKey(e)) {
            continue;
          }
          DrillSocket.Received back =
              e.ears
                  .get(0)
                  .first(
                      "broadcast_message",
                      m -> m.getString("message", "").contains("host is back"),
                      ts);
          if (back != null) {
            backAt.put(e, back.atNanos());
            continue;
          }
          DrillSocket attempt = current.get(e);
          if (attempt == null
              || attempt.isClosed()
              || System.nanoTime() - attempt.openedAtNanos > HOST_ATTEMPT_MS * MS) {
            if (attempt != null) {
              attempt.close();
            }
            DrillSocket next =
                connect((e.index + e.hostAttempts.size()) % n, goLivePath(e.hostId), e.hostId);
            e.hostAttempts.add(next);
            current.put(e, next);
          }
        }
        LoadGenerator.sleepMs(10);
      }
      cluster.refreshLogs();
      List<LocalCluster.Instance> others =
          cluster.of(ROOM).stream().filter(i -> i != frozen && LocalCluster.alive(i)).toList();
      stop.put("taken_over", away.stream().filter(e -> owners(others, e.id).size() == 1).count());
      LoadGenerator.sleepUntil(ts + opts.freezeMs() * MS);
    } finally {
      contClock = LocalTime.now();
      LocalCluster.signal("CONT", List.of(frozen));
    }
    long tc = System.nanoTime();
    stop.put("stopped_ms", (tc - ts) / MS).put("cpu_during_freeze", cpu.end());
    stop.put(
        "host_back_ms",
        DrillReport.stats(
            backAt.values().stream().mapToLong(at -> (at - ts) / MS).toArray(), away.size()));
    for (Event e : away) {
      DrillSocket kept = current.get(e);
      if (kept != null && kept.first("stream_link") != null && !kept.isClosed()) {
        e.host = kept;
      }
    }

    // It wakes with its grace timers overdue: it must step down, and end nothing.
    boolean steppedDown =
        await(
            () -> {
              frozen.log().refresh();
              return !frozen.log().linesSince(mark, "stepped down").isEmpty();
            },
            20_000,
            50);
    stop.put("stepped_down", steppedDown);
    List<String> stepLines = frozen.log().linesSince(mark, "stepped down");
    if (!stepLines.isEmpty()) {
      LocalTime at = OwnershipLog.timeOf(stepLines.get(0));
      stop.put(
          "stepped_down_after_cont_ms",
          at == null ? null : Duration.between(contClock, at).toMillis());
      stop.put("step_down_line", stepLines.get(0));
    }
    LoadGenerator.sleepMs(WATCH_AFTER_WAKE_MS);
    frozen.log().refresh();
    // Its own end of an event is logged ("event ended") only once its write went through: the
    // proof that an overdue timer's write became visible. An event whose host came back must not
    // end at all; one whose host was not back in time is ended by its new owner, rightly (before
    // the SIGCONT that cannot be the frozen instance; after it, only its log can say).
    List<String> endedThere = new ArrayList<>();
    for (Event e : away) {
      frozen.log().linesSince(mark, "event ended", e.id).forEach(endedThere::add);
    }
    long endedWhileFrozen =
        away.stream().filter(e -> endedAt(e, ts) > 0 && endedAt(e, ts) < tc).count();
    long endedAfterCont = away.stream().filter(e -> endedAt(e, ts) >= tc).count();
    long backEnded = away.stream().filter(e -> backAt.containsKey(e) && endedAt(e, ts) > 0).count();
    long earsClosed =
        away.stream()
            .filter(
                e ->
                    backAt.containsKey(e)
                        && e.ears.get(0).isClosed()
                        && e.ears.get(0).closedAtNanos() >= tc)
            .count();
    // Its quarantine ends about now and it takes a share back: a join may meet a move ("try
    // again").
    List<DrillSocket> late =
        answered(away.stream().map(e -> new Join(e.index % n, e.id, user(e, "after"))).toList());
    stop.put("ended_while_frozen", endedWhileFrozen)
        .put("ended_after_cont", endedAfterCont)
        .put("back_events_ended", backEnded)
        .put("ears_closed_after_cont", earsClosed)
        .put("ended_by_frozen", new JsonArray(endedThere))
        .put("fenced_lines", frozen.log().linesSince(mark, "a write was fenced").size())
        .put("still_live", late.stream().filter(s -> s.first("room_state") != null).count())
        .put(
            "not_live",
            new JsonArray(
                late.stream()
                    .filter(s -> s.first("room_state") == null)
                    .map(OwnershipDrill::why)
                    .toList()))
        .put(
            "hosts_back_open",
            away.stream().filter(e -> backAt.containsKey(e) && !e.host.isClosed()).count())
        .put("master_changed", masterChanges(marks));
    result.put("freeze", stop);
    awayNotBack.addAll(away.stream().filter(e -> !backAt.containsKey(e)).toList());
  }

  /** When the first socket of the event got stream_ended after {@code since}, or 0. */
  private static long endedAt(Event e, long since) {
    return allSockets(e).stream()
        .map(s -> s.first("stream_ended", m -> true, since))
        .filter(r -> r != null)
        .mapToLong(DrillSocket.Received::atNanos)
        .min()
        .orElse(0);
  }

  private static List<DrillSocket> allSockets(Event e) {
    List<DrillSocket> out = new ArrayList<>(e.hostAttempts);
    out.addAll(e.ears);
    return out;
  }

  // ---- cleanup, helpers ------------------------------------------------------------------------

  private static final java.util.regex.Pattern MASTERSHIP =
      java.util.regex.Pattern.compile("Mastership of \\[([^\\]]+)\\]:(\\d+) is accepted");

  /**
   * Per survivor, the time from the kill until its log said that the last of the killed members
   * left ("cluster member left or lost"): Hazelcast's part of a recovery, before any ring can
   * change. Stats over the survivors; one that never said so is not counted.
   */
  private JsonObject membersDropped(
      Map<LocalCluster.Instance, Integer> marks,
      List<LocalCluster.Instance> victims,
      LocalTime killClock) {
    cluster.refreshLogs();
    List<Long> dropped = new ArrayList<>();
    int survivors = 0;
    for (Map.Entry<LocalCluster.Instance, Integer> mark : marks.entrySet()) {
      LocalCluster.Instance i = mark.getKey();
      if (victims.contains(i) || !LocalCluster.alive(i)) {
        continue;
      }
      survivors++;
      LocalTime last =
          OwnershipLog.lastLeft(
              i.log().linesSince(mark.getValue(), "cluster member left or lost"),
              victims.stream().map(LocalCluster.Instance::clusterPort).toList());
      if (last != null) {
        long ms = Duration.between(killClock, last).toMillis();
        dropped.add(ms < -12 * 3600_000L ? ms + 24 * 3600_000L : ms);
      }
    }
    return DrillReport.stats(dropped.stream().mapToLong(Long::longValue).toArray(), survivors);
  }

  /** Every instance's log position now. */
  private Map<LocalCluster.Instance, Integer> marks() {
    Map<LocalCluster.Instance, Integer> marks = new LinkedHashMap<>();
    cluster.all().forEach(i -> marks.put(i, i.log().mark()));
    return marks;
  }

  /**
   * Hazelcast's "Mastership of ... is accepted" lines since the marks, one per instance at most: a
   * failure that took the cluster's master along includes an election, which adds to the time
   * before the dead member is dropped (local-cluster.sh's first instance is often the master).
   */
  private JsonArray masterChanges(Map<LocalCluster.Instance, Integer> marks) {
    cluster.refreshLogs();
    Set<String> seen = new TreeSet<>();
    marks.forEach(
        (i, mark) ->
            i.log().linesSince(mark, "Mastership of").stream()
                .findFirst()
                .ifPresent(
                    line -> {
                      java.util.regex.Matcher m = MASTERSHIP.matcher(line);
                      if (m.find()) {
                        seen.add(m.group(1) + ":" + m.group(2));
                        newMasterPort = Integer.parseInt(m.group(2));
                      }
                    }));
    return new JsonArray(new ArrayList<>(seen));
  }

  /**
   * CPU over a window in % of one core: the machine, the cluster's processes (a killed one counts
   * until it died), the drill itself, and the rest: on a shared machine, what else competed.
   */
  private final class CpuWindow {
    private final List<LocalCluster.Instance> alive =
        cluster.all().stream().filter(LocalCluster::alive).toList();
    private final ProcGroup processes =
        new ProcGroup(alive.stream().map(LocalCluster.Instance::pid).toList());
    private final List<ProcStats> each = alive.stream().map(i -> new ProcStats(i.pid())).toList();
    private final double[] each0 = each.stream().mapToDouble(ProcStats::cpuSeconds).toArray();
    private final ProcStats self = new ProcStats(ProcessHandle.current().pid());
    private final double cluster0 = processes.cpuSeconds();
    private final double self0 = self.cpuSeconds();
    private final double machine0 = ProcStats.machineBusySeconds();
    private final long start = System.nanoTime();

    JsonObject end() {
      double seconds = (System.nanoTime() - start) / 1e9;
      double clusterS = processes.cpuSeconds() - cluster0;
      double selfS = self.cpuSeconds() - self0;
      double machineS = ProcStats.machineBusySeconds() - machine0;
      JsonObject instances = new JsonObject();
      for (int i = 0; i < alive.size(); i++) {
        instances.put(alive.get(i).name(), pct(each.get(i).cpuSeconds() - each0[i], seconds));
      }
      return new JsonObject()
          .put("window_s", Report.round(seconds))
          .put("machine_pct", pct(machineS, seconds))
          .put("cluster_pct", pct(clusterS, seconds))
          .put("drill_pct", pct(selfS, seconds))
          .put("other_pct", pct(machineS - clusterS - selfS, seconds))
          .put("cores", Runtime.getRuntime().availableProcessors())
          .put("instances_pct", instances);
    }

    private Double pct(double cpuSeconds, double seconds) {
      return Double.isNaN(cpuSeconds) || seconds <= 0
          ? null
          : Report.round(100 * cpuSeconds / seconds);
    }
  }

  /**
   * The hosts end their events (so a cluster that outlives the drill keeps no drill events); then
   * every socket closes.
   */
  private void endEvents() {
    for (Event e : events) {
      if (e.host != null && !e.host.isClosed()) {
        e.host.send(new JsonObject().put("type", "stream_ended"));
      }
    }
    await(() -> events.stream().allMatch(e -> e.host == null || e.host.isClosed()), 10_000, 50);
    sockets.forEach(DrillSocket::close);
  }

  private List<Event> tracked() {
    return events.stream().filter(Event::tracked).toList();
  }

  private Set<String> ids(java.util.function.Predicate<Event> which) {
    return events.stream()
        .filter(which)
        .map(e -> e.id)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * A join the drill insists on: tried again while the answer is "try again" (a move, a busy
   * cluster).
   */
  private final class Join {
    final int base;
    final String eventId;
    final String userId;
    DrillSocket socket;
    int attempts = 1;

    Join(int base, String eventId, String userId) {
      this.base = base;
      this.eventId = eventId;
      this.userId = userId;
      this.socket = connect(base, joinPath(eventId, userId), userId);
    }

    /**
     * True once answered: in, or refused for good (or, with {@code retry} false, closed at all).
     */
    boolean answered(long now, boolean retry) {
      if (socket.first("room_state") != null) {
        return true;
      }
      if (!socket.isClosed()) {
        return false;
      }
      String code = errorCode(socket);
      if (!retry
          || !(code == null || "service_unavailable".equals(code) || "internal".equals(code))) {
        return true;
      }
      if (now - socket.closedAtNanos() >= JOIN_EVERY_MS * MS) {
        socket = connect(base, joinPath(eventId, userId), userId);
        attempts++;
      }
      return false;
    }
  }

  /**
   * Waits until every join is answered (retrying "try again" for up to the step's wait); the last
   * attempt of each.
   */
  private List<DrillSocket> answered(List<Join> joins) {
    long deadline = System.nanoTime() + STEP_WAIT_MS * MS;
    await(
        () -> {
          long now = System.nanoTime();
          boolean all = true;
          for (Join j : joins) {
            all &= j.answered(now, now < deadline);
          }
          return all;
        },
        STEP_WAIT_MS + opts.joinTimeoutMs(),
        20);
    return joins.stream().map(j -> j.socket).toList();
  }

  /** As {@link #answered}, for joins that must all get in (the drill's setup). */
  private List<DrillSocket> joinAll(List<Join> joins, String who) {
    List<DrillSocket> in = answered(joins);
    List<String> failed =
        in.stream()
            .filter(s -> s.first("room_state") == null)
            .map(s -> s.userId + " (" + why(s) + ")")
            .limit(5)
            .toList();
    require(failed.isEmpty(), who + " could not join: " + failed);
    return in;
  }

  private static String errorCode(DrillSocket s) {
    DrillSocket.Received error = s.last("error");
    return error == null ? null : error.message().getString("code");
  }

  private static String why(DrillSocket s) {
    if (s.connectError() != null) {
      return "connect failed: " + s.connectError();
    }
    DrillSocket.Received error = s.first("error");
    if (error != null) {
      return "error " + error.message().getString("code");
    }
    return s.isClosed() ? "closed" : "no answer";
  }

  private static Set<String> listed(JsonObject participantList) {
    Set<String> ids = new HashSet<>();
    participantList
        .getJsonArray("participants", new JsonArray())
        .forEach(o -> ids.add(((JsonObject) o).getString("user_id")));
    return ids;
  }

  private DrillSocket connect(int base, String path, String userId) {
    Context context = contexts.get(nextContext++ % contexts.size());
    DrillSocket s =
        DrillSocket.open(
            context,
            client,
            LoadGenerator.connectOptions(opts, base, opts.basePath(base) + path, null),
            userId);
    sockets.add(s);
    return s;
  }

  /** A drill user of event {@code e}: the host's id with a role suffix, unique per run. */
  private static String user(Event e, String role) {
    return e.hostId + "-" + role;
  }

  private String goLivePath(String hostId) {
    return "/ws/stream/start/live/"
        + LoadGenerator.enc(hostId)
        + "/?token="
        + tokens.sign(hostId, hostId, tokenExp);
  }

  private String joinPath(String eventId, String userId) {
    return "/ws/stream/live/join/event/"
        + LoadGenerator.enc(eventId)
        + "/"
        + LoadGenerator.enc(userId)
        + "/"
        + LoadGenerator.enc(userId)
        + "/?token="
        + tokens.sign(userId, userId, tokenExp);
  }

  private static JsonObject stage(String type, String userId) {
    return new JsonObject().put("type", type).put("user_id", userId);
  }

  /**
   * Polls {@code condition} every {@code pollMs} until it holds (true) or {@code timeoutMs} passed
   * (false).
   */
  static boolean await(BooleanSupplier condition, long timeoutMs, long pollMs) {
    long deadline = System.nanoTime() + timeoutMs * MS;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      LoadGenerator.sleepMs(pollMs);
    }
    return true;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
