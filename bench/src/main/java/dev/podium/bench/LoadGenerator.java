package dev.podium.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's load generator: one host (or one per room, {@code --rooms R}) streams
 * sequence-marked 20 ms PCM frames on a drift-free schedule, N listeners join over a ramp and time
 * every frame they receive. With {@code --control} it runs {@link ControlPlane} instead.
 *
 * <p>One Vert.x instance: the hosts share an event loop of their own, listeners are spread over
 * {@code availableProcessors} others. With several base URLs (gateways of one cluster) listener i
 * joins through base i % n and host k through base k % n (the one host through the first); a socket
 * that goes away during the run reconnects through the next base ({@link Listener}, {@link Host}).
 * With R rooms listener i joins room i % R, and host k sends on its own phase of the packet period,
 * so the rooms are not in step. Every phase is bounded; a watchdog ends the process if the whole
 * run overstays its budget.
 */
public final class LoadGenerator {
  private static final long MS = 1_000_000L;

  /** Go-lives started but not yet answered, at most: R hosts do not all knock at once. */
  private static final int HOSTS_IN_FLIGHT = 16;

  private final BenchOptions opts;
  private final int listenerLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
  private final int totalFrames;
  private final int firstMeasuredSeq;

  /** Per room: the send time of every frame (sequence numbers are the same in every room). */
  private final AtomicLongArray[] sendTimes;

  private final Tokens tokens;
  private final long tokenExp;

  private final ReconnectPolicy reconnectPolicy;
  private final Reconnects reconnects = new Reconnects();

  /** True from the start until the end of the drain: sockets that go away meanwhile reconnect. */
  private volatile boolean running = true;

  private Vertx vertx;
  private WebSocketClient client;
  private final List<Context> contexts = new ArrayList<>();
  private final List<Host> hosts = new ArrayList<>();

  LoadGenerator(BenchOptions opts) {
    this.opts = opts;
    this.firstMeasuredSeq = opts.warmupPackets() * opts.framesPerPacket();
    this.totalFrames = firstMeasuredSeq + opts.packets() * opts.framesPerPacket();
    this.sendTimes = new AtomicLongArray[opts.rooms()];
    for (int r = 0; r < opts.rooms(); r++) {
      sendTimes[r] = new AtomicLongArray(totalFrames);
      for (int i = 0; i < totalFrames; i++) {
        sendTimes[r].set(i, ListenerStats.UNSENT);
      }
    }
    this.tokens = opts.secret() == null ? null : new Tokens(opts.secret());
    this.tokenExp = System.currentTimeMillis() / 1000 + 3600 + opts.durationS();
    this.reconnectPolicy = new ReconnectPolicy(opts.reconnectAttempts());
  }

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions opts;
    try {
      opts = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("podium-bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(1);
      return;
    }
    startWatchdog(opts);
    JsonObject result;
    try {
      result =
          opts.ownershipDrill()
              ? new OwnershipDrill(opts).run()
              : opts.control() ? new ControlPlane(opts).run() : new LoadGenerator(opts).run();
    } catch (RuntimeException e) {
      System.err.println("podium-bench: run failed: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.print(
        opts.ownershipDrill()
            ? DrillReport.text(result)
            : opts.control() ? ControlReport.text(result) : Report.text(result));
    if (opts.json()) {
      System.out.println(result.encode());
    }
    // A drill that ran but missed a target exits 4, so that a script can tell it from a crash.
    System.exit(opts.ownershipDrill() && !result.getBoolean("pass", false) ? 4 : 0);
  }

  /** Ends the process if the run takes far longer than its phases allow. */
  private static void startWatchdog(BenchOptions opts) {
    int hosts = opts.control() ? opts.events() : opts.rooms();
    long budgetMs =
        opts.ownershipDrill()
            // Every bounded step of the drill at its longest, and the freeze.
            ? 900_000 + opts.events() * 500L + opts.freezeMs() + 4 * opts.settleMs()
            : 30_000
                + opts.rampMs()
                + opts.joinTimeoutMs()
                + opts.settleMs()
                + (opts.warmupS() + opts.durationS()) * 1000L * 2
                + opts.drainMs()
                + 20_000
                + hosts * 200L
                + opts.stayMaxMs()
                + (opts.heapAfterGc() ? 60_000L * Math.max(1, opts.allServerPids().size()) : 0);
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(budgetMs);
                System.err.println(
                    "podium-bench: watchdog: run exceeded " + budgetMs + " ms, giving up");
                Runtime.getRuntime().halt(3);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-watchdog");
    t.setDaemon(true);
    t.start();
  }

  JsonObject run() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(listenerLoops + 1));
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-sampler");
              t.setDaemon(true);
              return t;
            });
    try {
      return measure(sampler);
    } finally {
      sampler.shutdownNow();
      try {
        await(vertx.close(), 15_000, "closing the generator");
      } catch (RuntimeException e) {
        System.err.println("podium-bench: " + e.getMessage());
      }
    }
  }

  private JsonObject measure(ScheduledExecutorService sampler) {
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                // Per server: a reconnect storm may briefly hold a new socket beside a closing one.
                .setMaxConnections(2 * (opts.listeners() + opts.rooms()) + 10)
                .setMaxFrameSize(1024 * 1024)
                .setMaxMessageSize(4 * 1024 * 1024));
    // One context per event loop: index 0 for the host, the rest shared round-robin by listeners.
    await(
        vertx.deployVerticle(
            () -> new ContextHolder(contexts),
            new DeploymentOptions().setInstances(listenerLoops + 1)),
        10_000,
        "starting event loops");

    List<Long> serverPids = opts.allServerPids();
    ProcGroup server = serverPids.isEmpty() ? null : new ProcGroup(serverPids);
    ProcStats self = new ProcStats(ProcessHandle.current().pid());
    GatewayMetrics metrics = new GatewayMetrics(opts.gatewayMetrics());
    AtomicLong serverRssPeak = new AtomicLong(-1);
    if (server != null) {
      sampler.scheduleAtFixedRate(
          () -> server.rssKib().ifPresent(kib -> serverRssPeak.accumulateAndGet(kib, Math::max)),
          0,
          200,
          TimeUnit.MILLISECONDS);
    }
    double serverCpuAtStart = server == null ? Double.NaN : server.cpuSeconds();
    double serverJitAtStart = server == null ? Double.NaN : server.jitCpuSeconds();

    // 1. The hosts go live and learn their event ids.
    List<String> eventIds = connectHosts();
    String eventId = eventIds.get(0);

    // 2. Listeners join over the ramp, listener i through base i % n, into room i % R.
    List<Listener> listeners = new ArrayList<>();
    CountDownLatch settled = new CountDownLatch(opts.listeners());
    JoinFailures failures = new JoinFailures();
    GatewayMetrics.JoinHistogram serverJoinsBefore = metrics.readJoins();
    long rampStart = System.nanoTime();
    for (int i = 0; i < opts.listeners(); i++) {
      int room = i % opts.rooms();
      ListenerStats stats =
          new ListenerStats(sendTimes[room], firstMeasuredSeq, totalFrames - firstMeasuredSeq);
      Listener listener =
          new Listener(
              vertx,
              contexts.get(1 + i % listenerLoops),
              client,
              opts,
              listenerPath(i, eventIds.get(room)),
              i % opts.bases().size(),
              stats,
              reconnectPolicy,
              reconnects,
              () -> running);
      listeners.add(listener);
      sleepUntil(JoinPacing.dueOverRamp(rampStart, i, opts.listeners(), opts.rampMs()));
      listener.start(settled, failures);
    }
    try {
      settled.await(opts.joinTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listeners joined");
    }
    double joinPhaseSeconds = (System.nanoTime() - rampStart) / 1e9;
    GatewayMetrics.JoinHistogram serverJoinsAfter = metrics.readJoins();
    GatewayMetrics.JoinHistogram serverJoins =
        serverJoinsAfter == null ? null : serverJoinsAfter.since(serverJoinsBefore);
    sleepMs(opts.settleMs());

    List<ListenerStats> active = new ArrayList<>();
    long joinTimeouts = 0;
    long closedBeforeStart = 0;
    for (Listener listener : listeners) {
      ListenerStats l = listener.stats();
      if (l.isJoined() && !l.isClosed()) {
        active.add(l);
      } else if (l.isJoined()) {
        closedBeforeStart++;
      } else if (l.failed()) {
        // Neither joined nor failed in time: settle it now as a join timeout.
        joinTimeouts++;
      }
    }

    // 3. The host streams: a warm-up (not counted), then the measured frames. CPU is measured
    // from the end of the warm-up to the end of the drain; the gateways' media counters from
    // just before the first frame (no audio, no media packets) to the end of the drain.
    double serverCpuJoined = server == null ? Double.NaN : server.cpuSeconds();
    double serverJitJoined = server == null ? Double.NaN : server.jitCpuSeconds();
    int[] listenersAtStart = perGateway(listeners);
    List<GatewayMetrics.Counters> countersBefore = metrics.read();
    long[][] sendLag = new long[opts.rooms()][opts.packets()];
    List<Future<Void>> allSent = new ArrayList<>();
    long streamStart = System.nanoTime() + 5 * MS;
    Buffer[] packets = packets();
    for (int r = 0; r < opts.rooms(); r++) {
      Promise<Void> sent = Promise.promise();
      allSent.add(sent.future());
      Sender sender =
          new Sender(
              hosts.get(r),
              sendTimes[r],
              packets,
              streamStart + JoinPacing.roomPhaseNanos(r, opts.rooms(), opts.packetMs() * MS),
              sendLag[r],
              sent);
      contexts.get(0).runOnContext(v -> sender.tick());
    }
    long measureStart = streamStart + opts.warmupPackets() * opts.packetMs() * MS;
    sleepUntil(measureStart);
    double serverCpuStart = server == null ? Double.NaN : server.cpuSeconds();
    double serverJitStart = server == null ? Double.NaN : server.jitCpuSeconds();
    double selfCpuStart = self.cpuSeconds();
    double machineCpuStart = ProcStats.machineBusySeconds();
    double serverWaitStart = server == null ? Double.NaN : server.runQueueWaitSeconds();
    double selfWaitStart = self.runQueueWaitSeconds();
    double loadAverage = ProcStats.loadAverage();
    await(Future.all(allSent), (opts.warmupS() + opts.durationS()) * 2000L + 10_000, "streaming");
    long streamEnd = System.nanoTime();
    sleepMs(opts.drainMs());
    double serverCpuEnd = server == null ? Double.NaN : server.cpuSeconds();
    double serverJitEnd = server == null ? Double.NaN : server.jitCpuSeconds();
    double selfCpuEnd = self.cpuSeconds();
    double machineCpuEnd = ProcStats.machineBusySeconds();
    double serverWaitEnd = server == null ? Double.NaN : server.runQueueWaitSeconds();
    double selfWaitEnd = self.runQueueWaitSeconds();
    long windowNanos = System.nanoTime() - measureStart;
    List<GatewayMetrics.Counters> countersAfter = metrics.read();
    int[] listenersAtEnd = perGateway(listeners);

    List<ListenerStats.Snapshot> snaps = new ArrayList<>();
    for (ListenerStats l : active) {
      snaps.add(l.snapshot());
    }
    long serverRssEnd = server == null ? -1 : server.rssKib().orElse(-1);
    boolean hostClosedDuringRun = hosts.stream().anyMatch(Host::closedDuringRun);
    // After the CPU window, while every room is still live: a full GC in each server, then its
    // heap.
    long heapKib = opts.heapAfterGc() ? HeapProbe.afterFullGcKib(serverPids).orElse(-1) : -1;
    running = false;
    Reconnects.Snapshot reconnected = reconnects.snapshot();
    endRun();

    List<Report.Gateway> gateways = new ArrayList<>();
    List<GatewayMetrics.Counters> during = GatewayMetrics.during(countersBefore, countersAfter);
    for (int g = 0; g < opts.bases().size(); g++) {
      gateways.add(
          new Report.Gateway(
              opts.bases().get(g).toString(),
              metrics.enabled() ? opts.gatewayMetrics().get(g).toString() : null,
              listenersAtStart[g],
              listenersAtEnd[g],
              metrics.enabled() ? during.get(g) : null));
    }

    long[] joins =
        listeners.stream()
            .map(Listener::stats)
            .filter(ListenerStats::isJoined)
            .mapToLong(ListenerStats::joinNanos)
            .sorted()
            .toArray();
    JsonObject report =
        Report.build(
            opts,
            new Report.Inputs(
                eventId,
                totalFrames - firstMeasuredSeq,
                totalFrames,
                (streamEnd - measureStart) / 1e9,
                windowNanos / 1e9,
                joinPhaseSeconds,
                snaps,
                joins,
                failures.connectFailed(),
                failures.refusals(),
                joinTimeouts,
                closedBeforeStart,
                flatten(sendLag),
                hosts.stream().mapToLong(Host::binaryMessages).sum(),
                hosts.stream().mapToLong(Host::queueFull).sum(),
                hostClosedDuringRun,
                serverCpuJoined - serverCpuAtStart,
                serverJitJoined - serverJitAtStart,
                serverCpuEnd - serverCpuStart,
                serverJitEnd - serverJitStart,
                selfCpuEnd - selfCpuStart,
                machineCpuEnd - machineCpuStart,
                loadAverage,
                serverWaitEnd - serverWaitStart,
                selfWaitEnd - selfWaitStart,
                serverRssPeak.get(),
                serverRssEnd,
                reconnected,
                new Report.HostReconnects(
                    hosts.stream()
                        .flatMapToLong(h -> Arrays.stream(h.reconnectGapNanos()))
                        .sorted()
                        .toArray(),
                    hosts.stream().allMatch(Host::allResumed),
                    hosts.stream().anyMatch(Host::eventChanged),
                    hosts.stream().mapToLong(Host::framesNotSent).sum()),
                gateways,
                opts.rooms(),
                heapKib));
    // The server's share of the join time, from the gateways' own histogram (Podium only).
    report
        .put("server_join_p50_ms", serverJoins == null ? null : serverJoins.quantileMs(0.5))
        .put("server_join_p99_ms", serverJoins == null ? null : serverJoins.quantileMs(0.99));
    return report;
  }

  /** Every room's send lags in one array (room by room). */
  private static long[] flatten(long[][] perRoom) {
    return Arrays.stream(perRoom).flatMapToLong(Arrays::stream).toArray();
  }

  /**
   * The packets every host sends, built once and shared by all rooms (their content is the same).
   */
  private Buffer[] packets() {
    Buffer[] packets = new Buffer[opts.warmupPackets() + opts.packets()];
    for (int k = 0; k < packets.length; k++) {
      packets[k] = PcmFrames.packet(k * opts.framesPerPacket(), opts.framesPerPacket());
    }
    return packets;
  }

  /** Listeners in the room through each base URL now. */
  private int[] perGateway(List<Listener> listeners) {
    int[] counts = new int[opts.bases().size()];
    for (Listener l : listeners) {
      int g = l.gateway();
      if (g >= 0) {
        counts[g]++;
      }
    }
    return counts;
  }

  /**
   * Host k goes live through base k % n; the event ids in room order. At most 16 go-lives in
   * flight.
   */
  private List<String> connectHosts() {
    Semaphore inFlight = new Semaphore(HOSTS_IN_FLIGHT);
    List<Future<String>> links = new ArrayList<>();
    for (int r = 0; r < opts.rooms(); r++) {
      String hostId = opts.hostId(r);
      String query = tokenQuery(hostId, "?");
      // The hosts send 48 kHz PCM and say so, as Podium's own web client does.
      String path =
          "/ws/stream/start/live/"
              + enc(hostId)
              + "/"
              + query
              + (query.isEmpty() ? "?" : "&")
              + "rate=48000";
      Host host =
          new Host(
              vertx,
              contexts.get(0),
              client,
              opts,
              path,
              r % opts.bases().size(),
              reconnectPolicy,
              () -> running);
      hosts.add(host);
      acquire(inFlight);
      links.add(host.start().onComplete(ar -> inFlight.release()));
    }
    List<String> ids = new ArrayList<>();
    for (Future<String> link : links) {
      ids.add(await(link, 15_000, "waiting for stream_link"));
    }
    return ids;
  }

  static void acquire(Semaphore s) {
    try {
      if (!s.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no answer to the go-lives in flight within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hosts went live");
    }
  }

  /**
   * The join path and query of listener {@code i}, after the base URL's own path. Signs on the
   * calling thread ({@link Tokens} is not thread-safe); the token serves every reconnect too.
   */
  private String listenerPath(int i, String eventId) {
    String user = "l" + i;
    String path =
        "/ws/stream/live/join/event/"
            + enc(eventId)
            + "/"
            + user
            + "/"
            + user
            + "/"
            + tokenQuery(user, "?");
    if (opts.listenerQuery() != null) {
      path += (path.contains("?") ? "&" : "?") + opts.listenerQuery();
    }
    return path;
  }

  /** Connect options for {@code uri} on base URL {@code base}. */
  static WebSocketConnectOptions connectOptions(
      BenchOptions opts, int base, String uri, String subprotocol) {
    WebSocketConnectOptions o =
        new WebSocketConnectOptions()
            .setHost(opts.bases().get(base).getHost())
            .setPort(opts.bases().get(base).getPort())
            .setURI(uri)
            .setConnectTimeout(opts.joinTimeoutMs())
            .setTimeout(opts.joinTimeoutMs());
    if (subprotocol != null) {
      o.addSubProtocol(subprotocol);
    }
    return o;
  }

  private String tokenQuery(String userId, String sep) {
    return tokens == null ? "" : sep + "token=" + tokens.sign(userId, userId, tokenExp);
  }

  /** Ends the events (Podium closes every listener) and closes the hosts. */
  private void endRun() {
    try {
      await(
          Future.join(hosts.stream().map(Host::end).toList()),
          5_000 + hosts.size() * 20L,
          "closing the hosts");
    } catch (RuntimeException e) {
      System.err.println("podium-bench: " + e.getMessage());
    }
  }

  /**
   * Sends one room's packet k at start + k * packetMs (drift-free: deadlines never chain on timer
   * delays), on the hosts' event loop.
   */
  private final class Sender {
    private final Host host;
    private final AtomicLongArray sendTimes;
    private final long start;
    private final long period;
    private final long[] lag;
    private final Promise<Void> done;
    private final Buffer[] packets;
    private int next;

    Sender(
        Host host,
        AtomicLongArray sendTimes,
        Buffer[] packets,
        long start,
        long[] lag,
        Promise<Void> done) {
      this.host = host;
      this.sendTimes = sendTimes;
      this.start = start;
      this.period = opts.packetMs() * MS;
      this.lag = lag;
      this.done = done;
      this.packets = packets;
    }

    void tick() {
      long now = System.nanoTime();
      // When late, send every packet that is due (each stamped with its real send time).
      while (next < packets.length && now >= start + next * period) {
        long t = System.nanoTime();
        int firstSeq = next * opts.framesPerPacket();
        for (int f = 0; f < opts.framesPerPacket(); f++) {
          sendTimes.set(firstSeq + f, t);
        }
        int measured = next - opts.warmupPackets();
        if (measured >= 0) {
          lag[measured] = t - (start + next * period);
        }
        host.send(packets[next], opts.framesPerPacket());
        next++;
        now = System.nanoTime();
      }
      if (next >= packets.length) {
        done.tryComplete();
        return;
      }
      long delay = Math.max(1, start + next * period - System.nanoTime());
      vertx.timer(delay, TimeUnit.NANOSECONDS).onComplete(ar -> tick());
    }
  }

  /** A verticle that only lends its event-loop context. */
  static final class ContextHolder extends VerticleBase {
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

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static void sleepUntil(long deadlineNanos) {
    long left;
    while ((left = deadlineNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  static void sleepMs(long ms) {
    sleepUntil(System.nanoTime() + ms * MS);
  }

  static <T> T await(Future<T> f, long timeoutMs, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + ": no answer within " + timeoutMs + " ms");
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted");
    }
  }
}
