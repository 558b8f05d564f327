package dev.podium.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control-plane bench ({@code --control}): no audio. E hosts go live; then, for {@code
 * --duration-s}, visitors arrive at {@code --join-rate} per second (on deadlines from the start,
 * like the streaming ramp), each joining event i % E through base i % n, staying a random {@code
 * --stay-ms}, and sending {@code leave_room}. Every {@code --stage-pct} % of them also goes through
 * the stage: its host sends {@code invite_cohost}, it answers {@code accept_cohost}, and at the end
 * of its stay the host sends {@code remove_cohost} (at most {@link #STAGE_PER_HOST} such visitors
 * per event at once, well under the co-host limit; the others just listen).
 *
 * <p>Each operation is timed from the message (or the connect) to what proves it done, as the user
 * would see it: join to the first message that is not an error ({@code room_state}); invite to the
 * visitor's {@code cohost_invite}; accept to its {@code cohost_joined}; remove to its {@code
 * cohost_removed}; leave to the server closing the socket. An {@code error} fails the operation
 * with its code (a host's error fails the oldest host operation still waiting); no answer within
 * {@link #OP_TIMEOUT_MS} fails it as {@code timeout}. Every server process named by {@code --pid}
 * (and {@code --server-pid}) is read from {@code /proc} over the arrival window.
 */
final class ControlPlane {
  private static final long MS = 1_000_000L;
  static final int STAGE_PER_HOST = 3;
  static final long OP_TIMEOUT_MS = 10_000;

  private final BenchOptions opts;
  private final int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
  private final Tokens tokens;
  private final long tokenExp;
  private final List<Context> contexts = new ArrayList<>();
  private final List<ControlHost> hosts = new ArrayList<>();
  private final AtomicInteger inRoom = new AtomicInteger();
  private final AtomicInteger peakInRoom = new AtomicInteger();

  /** Stage visitors who only listened because their event already had its share on stage. */
  private final AtomicInteger stageSkipped = new AtomicInteger();

  private final SplittableRandom random = new SplittableRandom(12);
  private Vertx vertx;
  private WebSocketClient client;
  private OpStats stats;

  ControlPlane(BenchOptions opts) {
    this.opts = opts;
    this.tokens = opts.secret() == null ? null : new Tokens(opts.secret());
    this.tokenExp = System.currentTimeMillis() / 1000 + 3600 + opts.durationS();
  }

  JsonObject run() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops + 1));
    try {
      return measure();
    } finally {
      try {
        LoadGenerator.await(vertx.close(), 15_000, "closing the generator");
      } catch (RuntimeException e) {
        System.err.println("podium-bench: " + e.getMessage());
      }
    }
  }

  private JsonObject measure() {
    long visitors = Math.round(opts.joinRate() * opts.durationS());
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(
                    (int) Math.min(100_000, 2 * visitors + 2L * opts.events() + 10)));
    LoadGenerator.await(
        vertx.deployVerticle(
            () -> new ContextHolder(contexts), new DeploymentOptions().setInstances(loops + 1)),
        10_000,
        "starting event loops");

    // 1. The hosts go live, at most 16 at a time.
    Semaphore inFlight = new Semaphore(16);
    List<Future<String>> links = new ArrayList<>();
    for (int k = 0; k < opts.events(); k++) {
      ControlHost host = new ControlHost(opts.hostId(k), k % opts.bases().size());
      hosts.add(host);
      LoadGenerator.acquire(inFlight);
      links.add(host.goLive().onComplete(ar -> inFlight.release()));
    }
    for (Future<String> link : links) {
      LoadGenerator.await(link, 15_000, "waiting for stream_link");
    }

    // 2. Visitors arrive at the join rate for duration-s; CPU is read over that window.
    Map<String, ProcGroup> procs = new LinkedHashMap<>();
    opts.namedPids().forEach((name, pids) -> procs.put(name, new ProcGroup(pids)));
    if (!opts.serverPids().isEmpty()) {
      procs.putIfAbsent("server", new ProcGroup(opts.serverPids()));
    }
    ProcStats self = new ProcStats(ProcessHandle.current().pid());
    long start = System.nanoTime() + 20 * MS;
    long windowEnd = start + opts.durationS() * 1000L * MS;
    stats = new OpStats(windowEnd);
    LoadGenerator.sleepUntil(start);
    Map<String, Double> cpuStart = cpu(procs);
    double selfStart = self.cpuSeconds();
    double machineStart = ProcStats.machineBusySeconds();
    CountDownLatch done = new CountDownLatch((int) visitors);
    long lagMax = 0;
    for (int i = 0; i < visitors; i++) {
      long due = JoinPacing.dueAtRate(start, i, opts.joinRate());
      LoadGenerator.sleepUntil(due);
      lagMax = Math.max(lagMax, System.nanoTime() - due);
      ControlHost host = hosts.get(i % hosts.size());
      boolean stage = isStageVisitor(i, opts.stagePct());
      // The same even spread, over a different stride, picks the chatters among the others.
      boolean chat = !stage && isStageVisitor(i, opts.chatPct());
      long stayMs =
          opts.stayMinMs()
              + (opts.stayMaxMs() > opts.stayMinMs()
                  ? random.nextLong(opts.stayMaxMs() - opts.stayMinMs() + 1)
                  : 0);
      Visitor v =
          new Visitor(
              contexts.get(1 + i % loops),
              "v" + i,
              i % opts.bases().size(),
              host,
              stage,
              chat,
              stayMs,
              done);
      v.context.runOnContext(x -> v.join());
    }
    LoadGenerator.sleepUntil(windowEnd);
    Map<String, Double> cpuEnd = cpu(procs);
    double selfEnd = self.cpuSeconds();
    double machineEnd = ProcStats.machineBusySeconds();
    Map<String, Long> rssEnd = new LinkedHashMap<>();
    procs.forEach((name, g) -> rssEnd.put(name, g.rssKib().orElse(-1)));
    double windowS = (System.nanoTime() - start) / 1e9;
    try {
      done.await(
          opts.stayMaxMs() + 4 * OP_TIMEOUT_MS + opts.joinTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long unfinished = done.getCount();

    // 3. The hosts end their events.
    try {
      LoadGenerator.await(
          Future.join(hosts.stream().map(ControlHost::end).toList()),
          5_000 + hosts.size() * 20L,
          "closing the hosts");
    } catch (RuntimeException e) {
      System.err.println("podium-bench: " + e.getMessage());
    }

    List<ControlReport.Process> processes = new ArrayList<>();
    procs.forEach(
        (name, g) ->
            processes.add(
                new ControlReport.Process(
                    name,
                    name.equals("server") && !opts.namedPids().containsKey("server")
                        ? opts.serverPids()
                        : opts.namedPids().get(name),
                    cpuEnd.get(name) - cpuStart.get(name),
                    rssEnd.get(name))));
    return ControlReport.build(
        opts,
        new ControlReport.Inputs(
            visitors,
            unfinished,
            windowS,
            lagMax,
            stats,
            peakInRoom.get(),
            stageSkipped.get(),
            processes,
            selfEnd - selfStart,
            machineEnd - machineStart));
  }

  /**
   * Visitor i goes through the stage when the running share of stage visitors passes the next whole
   * one: evenly spread.
   */
  static boolean isStageVisitor(long i, int pct) {
    return (i + 1) * pct / 100 > i * pct / 100;
  }

  private static Map<String, Double> cpu(Map<String, ProcGroup> procs) {
    Map<String, Double> out = new LinkedHashMap<>();
    procs.forEach((name, g) -> out.put(name, g.cpuSeconds()));
    return out;
  }

  private String tokenQuery(String userId) {
    if (tokens == null) {
      return "";
    }
    synchronized (tokens) {
      return "?token=" + tokens.sign(userId, userId, tokenExp);
    }
  }

  private static String type(String text) {
    try {
      return new JsonObject(text).getString("type", "");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** A host operation waiting for its outcome: an error to the host fails the oldest one. */
  private record HostOp(String type, Visitor visitor) {}

  /**
   * One event's host: goes live, sends the stage messages, hears their refusals. Runs on context 0.
   */
  private final class ControlHost {
    private final String userId;
    private final int base;
    private final Context context = contexts.get(0);
    private final ArrayDeque<HostOp> waiting = new ArrayDeque<>();
    private final AtomicInteger onStage = new AtomicInteger();
    private ClientWebSocket ws;
    private String eventId;

    ControlHost(String userId, int base) {
      this.userId = userId;
      this.base = base;
    }

    Future<String> goLive() {
      Promise<String> linked = Promise.promise();
      context.runOnContext(
          v -> {
            ws = client.webSocket();
            ws.textMessageHandler(text -> onText(text, linked));
            ws.closeHandler(x -> linked.tryFail("host " + userId + " closed before stream_link"));
            ws.exceptionHandler(e -> {});
            String path =
                "/ws/stream/start/live/" + LoadGenerator.enc(userId) + "/" + tokenQuery(userId);
            ws.connect(LoadGenerator.connectOptions(opts, base, opts.basePath(base) + path, null))
                .onFailure(e -> linked.tryFail("host could not connect: " + e.getMessage()));
          });
      return linked.future();
    }

    private void onText(String text, Promise<String> linked) {
      if (eventId == null && text.contains("\"stream_link\"")) {
        eventId = new JsonObject(text).getString("event_id");
        linked.tryComplete(eventId);
        return;
      }
      String code = Listener.errorCode(text);
      if (code == null) {
        return;
      }
      if (eventId == null) {
        linked.tryFail("host " + userId + " got error " + code);
        return;
      }
      HostOp op = waiting.poll();
      if (op == null) {
        stats.failed("host", code);
      } else {
        op.visitor().context.runOnContext(v -> op.visitor().hostRefused(op.type(), code));
      }
    }

    /** Takes a stage slot for a visitor; false when the event already has its share on stage. */
    boolean takeStageSlot() {
      if (onStage.incrementAndGet() > STAGE_PER_HOST) {
        onStage.decrementAndGet();
        return false;
      }
      return true;
    }

    void releaseStageSlot() {
      onStage.decrementAndGet();
    }

    /**
     * Sends a stage message about {@code visitor}; its outcome reaches the visitor (or an error,
     * this host).
     */
    void send(String type, String field, Visitor visitor) {
      context.runOnContext(
          v -> {
            HostOp op = new HostOp(type, visitor);
            waiting.add(op);
            visitor.waitingOp = op;
            ws.writeTextMessage(
                new JsonObject().put("type", type).put(field, visitor.userId).encode());
          });
    }

    /** The visitor saw the outcome of {@code op}: it no longer waits for an error. */
    void settled(HostOp op) {
      if (op != null) {
        context.runOnContext(v -> waiting.remove(op));
      }
    }

    Future<Void> end() {
      Promise<Void> ended = Promise.promise();
      context.runOnContext(
          v -> {
            if (ws == null || ws.isClosed()) {
              ended.tryComplete();
              return;
            }
            ws.writeTextMessage(new JsonObject().put("type", "stream_ended").encode())
                .transform(ar -> ws.close())
                .onComplete(ar -> ended.tryComplete());
          });
      return ended.future();
    }
  }

  private enum Phase {
    JOINING,
    CHATTING,
    STAYING,
    INVITE,
    ACCEPT,
    ON_STAGE,
    REMOVE,
    LEAVING,
    DONE
  }

  /** One visitor's life: join, (stage,) stay, leave. Everything on its own context. */
  private final class Visitor {
    final Context context;
    final String userId;
    private final int base;
    private final ControlHost host;
    private final boolean stage;
    private final boolean chat;
    private final long stayMs;
    private final CountDownLatch done;
    private ClientWebSocket ws;
    private Phase phase = Phase.JOINING;
    private long opStart;
    private long joinedAt;
    private long timer = -1;
    private boolean onStageSlot;
    volatile HostOp waitingOp;

    Visitor(
        Context context,
        String userId,
        int base,
        ControlHost host,
        boolean stage,
        boolean chat,
        long stayMs,
        CountDownLatch done) {
      this.context = context;
      this.userId = userId;
      this.base = base;
      this.host = host;
      this.stage = stage;
      this.chat = chat;
      this.stayMs = stayMs;
      this.done = done;
    }

    void join() {
      opStart = System.nanoTime();
      ws = client.webSocket();
      ws.textMessageHandler(this::onText);
      ws.closeHandler(v -> onClose());
      ws.exceptionHandler(e -> {});
      String path =
          "/ws/stream/live/join/event/"
              + LoadGenerator.enc(host.eventId)
              + "/"
              + userId
              + "/"
              + userId
              + "/"
              + tokenQuery(userId);
      arm("join", opts.joinTimeoutMs());
      ws.connect(LoadGenerator.connectOptions(opts, base, opts.basePath(base) + path, null))
          .onFailure(e -> fail("join", "connect_failed"));
    }

    private void onText(String text) {
      long now = System.nanoTime();
      if (phase == Phase.JOINING) {
        String refusal = Listener.errorCode(text);
        if (refusal != null) {
          fail("join", refusal);
          return;
        }
        ok("join", now);
        joinedAt = now;
        int n = inRoom.incrementAndGet();
        peakInRoom.accumulateAndGet(n, Math::max);
        if (stage && host.takeStageSlot()) {
          onStageSlot = true;
          start(Phase.INVITE, "invite");
          host.send("invite_cohost", "user_id", this);
        } else if (chat) {
          start(Phase.CHATTING, "chat");
          ws.writeTextMessage(
              new JsonObject()
                  .put("type", "broadcast_message")
                  .put("message", "hello from " + userId)
                  .encode());
        } else {
          if (stage) {
            stageSkipped.incrementAndGet();
          }
          stay(Phase.STAYING);
        }
        return;
      }
      if (phase == Phase.CHATTING && text.contains("message_broadcast")) {
        JsonObject m = new JsonObject(text);
        if ("message_broadcast".equals(m.getString("type"))
            && userId.equals(m.getString("user_id"))) {
          ok("chat", now);
          stay(Phase.STAYING);
          return;
        }
      }
      // Rooms are chatty (every join and leave of the event): parse only what may concern us.
      if (!(text.contains("cohost_") || text.contains("\"error\""))) {
        return;
      }
      String type = type(text);
      switch (type) {
        case "error" -> {
          String code = Listener.errorCode(text);
          if (phase == Phase.ACCEPT) {
            fail("accept", code);
          } else if (phase == Phase.CHATTING) {
            fail("chat", code);
          } else {
            stats.failed(phase.name().toLowerCase(java.util.Locale.ROOT), code);
          }
        }
        case "cohost_invite" -> {
          if (phase == Phase.INVITE) {
            host.settled(waitingOp);
            ok("invite", now);
            start(Phase.ACCEPT, "accept");
            ws.writeTextMessage(new JsonObject().put("type", "accept_cohost").encode());
          }
        }
        case "cohost_joined" -> {
          if (phase == Phase.ACCEPT
              && userId.equals(new JsonObject(text).getString("participant_id"))) {
            ok("accept", now);
            stay(Phase.ON_STAGE);
          }
        }
        case "cohost_removed" -> {
          if (phase == Phase.REMOVE
              && userId.equals(new JsonObject(text).getString("participant_id"))) {
            host.settled(waitingOp);
            ok("remove", now);
            leave();
          }
        }
        default -> {}
      }
    }

    /**
     * Waits out the rest of the stay, then removes itself from the stage (through the host) or
     * leaves.
     */
    private void stay(Phase p) {
      phase = p;
      cancelTimer();
      long left = Math.max(1, stayMs - (System.nanoTime() - joinedAt) / MS);
      timer =
          vertx.setTimer(
              left,
              id -> {
                timer = -1;
                if (phase == Phase.ON_STAGE) {
                  start(Phase.REMOVE, "remove");
                  host.send("remove_cohost", "participant_id", this);
                } else if (phase == Phase.STAYING) {
                  leave();
                }
              });
    }

    private void start(Phase p, String op) {
      phase = p;
      opStart = System.nanoTime();
      arm(op, OP_TIMEOUT_MS);
    }

    private void leave() {
      releaseStage();
      start(Phase.LEAVING, "leave");
      ws.writeTextMessage(new JsonObject().put("type", "leave_room").encode());
    }

    /** A host's stage message about this visitor was refused. */
    void hostRefused(String op, String code) {
      if ((op.equals("invite_cohost") && phase == Phase.INVITE)
          || (op.equals("remove_cohost") && phase == Phase.REMOVE)) {
        fail(op.equals("invite_cohost") ? "invite" : "remove", code);
      } else {
        stats.failed(op.equals("invite_cohost") ? "invite" : "remove", code);
      }
    }

    private void onClose() {
      long now = System.nanoTime();
      if (phase == Phase.DONE) {
        return;
      }
      if (phase == Phase.LEAVING) {
        ok("leave", now);
        finish();
      } else {
        fail(opName(), "closed");
      }
    }

    private String opName() {
      return switch (phase) {
        case JOINING -> "join";
        case CHATTING -> "chat";
        case INVITE -> "invite";
        case ACCEPT -> "accept";
        case REMOVE -> "remove";
        case LEAVING -> "leave";
        default -> "stay";
      };
    }

    private void ok(String op, long now) {
      cancelTimer();
      stats.ok(op, now - opStart, now);
    }

    /** The operation in progress failed: count it, then leave if in the room, else end. */
    private void fail(String op, String code) {
      if (phase == Phase.DONE) {
        return;
      }
      cancelTimer();
      stats.failed(op, code);
      host.settled(waitingOp);
      boolean inTheRoom = phase != Phase.JOINING && phase != Phase.LEAVING && !ws.isClosed();
      if (inTheRoom) {
        leave();
      } else {
        finish();
        if (!ws.isClosed()) {
          ws.close();
        }
      }
    }

    private void arm(String op, long ms) {
      cancelTimer();
      Phase armed = phase;
      timer =
          vertx.setTimer(
              ms,
              id -> {
                timer = -1;
                if (phase == armed) {
                  fail(op, "timeout");
                }
              });
    }

    private void cancelTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    private void releaseStage() {
      if (onStageSlot) {
        onStageSlot = false;
        host.releaseStageSlot();
      }
    }

    private void finish() {
      boolean wasIn = phase != Phase.JOINING;
      releaseStage();
      cancelTimer();
      phase = Phase.DONE;
      if (wasIn) {
        inRoom.decrementAndGet();
      }
      done.countDown();
    }
  }

  /** A verticle that only lends its event-loop context. */
  private static final class ContextHolder extends VerticleBase {
    private final List<Context> contexts;

    ContextHolder(List<Context> contexts) {
      this.contexts = contexts;
    }

    @Override
    public Future<?> start() {
      synchronized (contexts) {
        contexts.add(context);
      }
      return Future.succeededFuture();
    }
  }
}
