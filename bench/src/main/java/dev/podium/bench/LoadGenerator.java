package dev.podium.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's load generator: one host streams sequence-marked 20 ms PCM frames on a
 * drift-free schedule, N listeners join over a ramp and time every frame they receive.
 *
 * <p>One Vert.x instance: the host has an event loop of its own, listeners are spread over
 * {@code availableProcessors} others. Every phase is bounded; a watchdog ends the process if the
 * whole run overstays its budget.
 */
public final class LoadGenerator {
  private static final long MS = 1_000_000L;

  private final BenchOptions opts;
  private final int listenerLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
  private final int totalFrames;
  private final int firstMeasuredSeq;
  private final AtomicLongArray sendTimes;
  private final Tokens tokens;
  private final long tokenExp;

  private Vertx vertx;
  private WebSocketClient client;
  private final List<Context> contexts = new ArrayList<>();
  private ClientWebSocket host;
  private final AtomicLong hostBinaryMessages = new AtomicLong();
  private final AtomicLong hostQueueFull = new AtomicLong();
  private volatile boolean hostClosed;

  LoadGenerator(BenchOptions opts) {
    this.opts = opts;
    this.firstMeasuredSeq = opts.warmupPackets() * opts.framesPerPacket();
    this.totalFrames = firstMeasuredSeq + opts.packets() * opts.framesPerPacket();
    this.sendTimes = new AtomicLongArray(totalFrames);
    for (int i = 0; i < totalFrames; i++) {
      sendTimes.set(i, ListenerStats.UNSENT);
    }
    this.tokens = opts.secret() == null ? null : new Tokens(opts.secret());
    this.tokenExp = System.currentTimeMillis() / 1000 + 3600 + opts.durationS();
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
      result = new LoadGenerator(opts).run();
    } catch (RuntimeException e) {
      System.err.println("podium-bench: run failed: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.print(Report.text(result));
    if (opts.json()) {
      System.out.println(result.encode());
    }
    System.exit(0);
  }

  /** Ends the process if the run takes far longer than its phases allow. */
  private static void startWatchdog(BenchOptions opts) {
    long budgetMs = 30_000 + opts.rampMs() + opts.joinTimeoutMs() + opts.settleMs()
        + (opts.warmupS() + opts.durationS()) * 1000L * 2
        + opts.drainMs() + 20_000;
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(budgetMs);
        System.err.println("podium-bench: watchdog: run exceeded " + budgetMs + " ms, giving up");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-watchdog");
    t.setDaemon(true);
    t.start();
  }

  JsonObject run() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(listenerLoops + 1));
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
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
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(opts.listeners() + 10)
        .setMaxFrameSize(1024 * 1024)
        .setMaxMessageSize(4 * 1024 * 1024));
    // One context per event loop: index 0 for the host, the rest shared round-robin by listeners.
    await(vertx.deployVerticle(() -> new ContextHolder(contexts),
        new DeploymentOptions().setInstances(listenerLoops + 1)), 10_000, "starting event loops");

    ProcStats server = opts.serverPid() == null ? null : new ProcStats(opts.serverPid());
    ProcStats self = new ProcStats(ProcessHandle.current().pid());
    AtomicLong serverRssPeak = new AtomicLong(-1);
    if (server != null) {
      sampler.scheduleAtFixedRate(
          () -> server.rssKib().ifPresent(kib -> serverRssPeak.accumulateAndGet(kib, Math::max)),
          0, 200, TimeUnit.MILLISECONDS);
    }
    double serverCpuAtStart = server == null ? Double.NaN : server.cpuSeconds();

    // 1. The host goes live and learns the event id.
    String eventId = connectHost();

    // 2. Listeners join over the ramp.
    List<ListenerStats> listeners = new ArrayList<>();
    CountDownLatch settled = new CountDownLatch(opts.listeners());
    Failures failures = new Failures();
    long rampStart = System.nanoTime();
    for (int i = 0; i < opts.listeners(); i++) {
      ListenerStats stats = new ListenerStats(sendTimes, firstMeasuredSeq, totalFrames - firstMeasuredSeq);
      listeners.add(stats);
      long at = rampStart + opts.rampMs() * MS * i / opts.listeners();
      sleepUntil(at);
      Context ctx = contexts.get(1 + i % listenerLoops);
      String uri = listenerUri(i, eventId);
      ctx.runOnContext(v -> connectListener(uri, stats, settled, failures));
    }
    try {
      settled.await(opts.joinTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listeners joined");
    }
    double joinPhaseSeconds = (System.nanoTime() - rampStart) / 1e9;
    sleepMs(opts.settleMs());

    List<ListenerStats> active = new ArrayList<>();
    long joinTimeouts = 0;
    long closedBeforeStart = 0;
    for (ListenerStats l : listeners) {
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
    // from the end of the warm-up to the end of the drain.
    double serverCpuJoined = server == null ? Double.NaN : server.cpuSeconds();
    long[] sendLag = new long[opts.packets()];
    Promise<Void> sent = Promise.promise();
    long streamStart = System.nanoTime() + 5 * MS;
    contexts.get(0).runOnContext(v -> new Sender(streamStart, sendLag, sent).tick());
    long measureStart = streamStart + opts.warmupPackets() * opts.packetMs() * MS;
    sleepUntil(measureStart);
    double serverCpuStart = server == null ? Double.NaN : server.cpuSeconds();
    double selfCpuStart = self.cpuSeconds();
    double machineCpuStart = ProcStats.machineBusySeconds();
    double serverWaitStart = server == null ? Double.NaN : server.runQueueWaitSeconds();
    double selfWaitStart = self.runQueueWaitSeconds();
    double loadAverage = ProcStats.loadAverage();
    await(sent.future(), (opts.warmupS() + opts.durationS()) * 2000L + 10_000, "streaming");
    long streamEnd = System.nanoTime();
    sleepMs(opts.drainMs());
    double serverCpuEnd = server == null ? Double.NaN : server.cpuSeconds();
    double selfCpuEnd = self.cpuSeconds();
    double machineCpuEnd = ProcStats.machineBusySeconds();
    double serverWaitEnd = server == null ? Double.NaN : server.runQueueWaitSeconds();
    double selfWaitEnd = self.runQueueWaitSeconds();
    long windowNanos = System.nanoTime() - measureStart;

    List<ListenerStats.Snapshot> snaps = new ArrayList<>();
    for (ListenerStats l : active) {
      snaps.add(l.snapshot());
    }
    long serverRssEnd = server == null ? -1 : server.rssKib().orElse(-1);
    boolean hostClosedDuringRun = hostClosed;
    endRun();

    long[] joins = listeners.stream().filter(ListenerStats::isJoined).mapToLong(ListenerStats::joinNanos)
        .sorted().toArray();
    return Report.build(opts, new Report.Inputs(eventId, totalFrames - firstMeasuredSeq, totalFrames,
        (streamEnd - measureStart) / 1e9, windowNanos / 1e9, joinPhaseSeconds, snaps, joins,
        failures.connectFailed(), failures.refusals(), joinTimeouts, closedBeforeStart, sendLag,
        hostBinaryMessages.get(), hostQueueFull.get(), hostClosedDuringRun,
        serverCpuJoined - serverCpuAtStart, serverCpuEnd - serverCpuStart, selfCpuEnd - selfCpuStart,
        machineCpuEnd - machineCpuStart, loadAverage, serverWaitEnd - serverWaitStart,
        selfWaitEnd - selfWaitStart, serverRssPeak.get(), serverRssEnd));
  }

  private String connectHost() {
    Promise<String> eventId = Promise.promise();
    String uri = opts.basePath() + "/ws/stream/start/live/" + enc(opts.hostId()) + "/"
        + tokenQuery(opts.hostId(), "?");
    contexts.get(0).runOnContext(v -> {
      host = client.webSocket();
      host.textMessageHandler(text -> {
        try {
          JsonObject m = new JsonObject(text);
          if ("stream_link".equals(m.getString("type"))) {
            eventId.tryComplete(m.getString("event_id"));
          } else if ("error".equals(m.getString("type"))) {
            eventId.tryFail("host got error " + m.getString("code") + ": " + m.getString("message"));
          }
        } catch (RuntimeException e) {
          // Not JSON: not ours to read.
        }
      });
      host.binaryMessageHandler(b -> hostBinaryMessages.incrementAndGet());
      host.closeHandler(x -> {
        hostClosed = true;
        eventId.tryFail("host socket closed before stream_link");
      });
      host.exceptionHandler(e -> { });
      host.connect(connectOptions(uri, null)).onComplete(ar -> {
        if (ar.failed()) {
          eventId.tryFail("host could not connect to " + opts.base() + ": " + ar.cause().getMessage());
        }
      });
    });
    return await(eventId.future(), 15_000, "waiting for stream_link");
  }

  /** The join URI of listener {@code i}. Signs on the calling thread ({@link Tokens} is not thread-safe). */
  private String listenerUri(int i, String eventId) {
    String user = "l" + i;
    String uri = opts.basePath() + "/ws/stream/live/join/event/" + enc(eventId) + "/" + user + "/" + user + "/"
        + tokenQuery(user, "?");
    if (opts.listenerQuery() != null) {
      uri += (uri.contains("?") ? "&" : "?") + opts.listenerQuery();
    }
    return uri;
  }

  private void connectListener(String uri, ListenerStats stats, CountDownLatch settled, Failures failures) {
    ClientWebSocket ws = client.webSocket();
    boolean[] first = {true};
    // Handlers before connect, so the first messages are never missed.
    ws.textMessageHandler(text -> {
      if (!first[0]) {
        return;
      }
      first[0] = false;
      long now = System.nanoTime();
      String refusal = errorCode(text);
      if (refusal != null) {
        if (stats.failed()) {
          failures.refused(refusal);
          settled.countDown();
        }
      } else if (stats.joined(now)) {
        settled.countDown();
      }
    });
    ws.binaryMessageHandler(b -> stats.onBinary(b, System.nanoTime()));
    ws.closeHandler(v -> {
      stats.closed();
      if (stats.failed()) {
        failures.refused("closed_before_join");
        settled.countDown();
      }
    });
    ws.exceptionHandler(e -> { });
    stats.connecting(System.nanoTime());
    ws.connect(connectOptions(uri, opts.subprotocol())).onFailure(e -> {
      if (stats.failed()) {
        failures.connectFailed(e);
        settled.countDown();
      }
    });
  }

  /** The {@code code} of an {@code error} message, or null for anything else. */
  private static String errorCode(String text) {
    if (!text.contains("\"error\"")) {
      return null;
    }
    try {
      JsonObject m = new JsonObject(text);
      return "error".equals(m.getString("type")) ? m.getString("code", "error") : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private WebSocketConnectOptions connectOptions(String uri, String subprotocol) {
    WebSocketConnectOptions o = new WebSocketConnectOptions()
        .setHost(opts.base().getHost())
        .setPort(opts.base().getPort())
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

  /** Ends the event (Podium closes every listener) and closes the host. */
  private void endRun() {
    Promise<Void> done = Promise.promise();
    contexts.get(0).runOnContext(v -> {
      if (host == null || hostClosed) {
        done.tryComplete();
        return;
      }
      host.writeTextMessage(new JsonObject().put("type", "stream_ended").encode())
          .transform(ar -> host.close())
          .onComplete(ar -> done.tryComplete());
    });
    try {
      await(done.future(), 5_000, "closing the host");
    } catch (RuntimeException e) {
      System.err.println("podium-bench: " + e.getMessage());
    }
  }

  /** Sends packet k at streamStart + k * packetMs (drift-free: deadlines never chain on timer delays). */
  private final class Sender {
    private final long start;
    private final long period;
    private final long[] lag;
    private final Promise<Void> done;
    private final Buffer[] packets;
    private int next;

    Sender(long start, long[] lag, Promise<Void> done) {
      this.start = start;
      this.period = opts.packetMs() * MS;
      this.lag = lag;
      this.done = done;
      this.packets = new Buffer[opts.warmupPackets() + opts.packets()];
      for (int k = 0; k < packets.length; k++) {
        packets[k] = PcmFrames.packet(k * opts.framesPerPacket(), opts.framesPerPacket());
      }
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
        if (host.writeQueueFull()) {
          hostQueueFull.incrementAndGet();
        }
        host.writeBinaryMessage(packets[next]);
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

  /** Listeners that never joined, by reason. */
  private static final class Failures {
    private final AtomicLong connectFailed = new AtomicLong();
    private final ConcurrentHashMap<String, Long> refusals = new ConcurrentHashMap<>();
    private volatile String firstConnectError;

    void connectFailed(Throwable e) {
      if (connectFailed.getAndIncrement() == 0) {
        firstConnectError = String.valueOf(e.getMessage());
        System.err.println("podium-bench: first listener connect failure: " + firstConnectError);
      }
    }

    void refused(String code) {
      refusals.merge(code, 1L, Long::sum);
    }

    long connectFailed() {
      return connectFailed.get();
    }

    Map<String, Long> refusals() {
      return new TreeMap<>(refusals);
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

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sleepUntil(long deadlineNanos) {
    long left;
    while ((left = deadlineNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private static void sleepMs(long ms) {
    sleepUntil(System.nanoTime() + ms * MS);
  }

  private static <T> T await(Future<T> f, long timeoutMs, String what) {
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
