package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * What an abuse test checks besides the abuser's answer: that everyone else is well. A second room
 * runs beside the attack (its host streams a 20 ms PCM frame every 20 ms, its listener counts the
 * mix it receives), and {@code /health} is asked every 200 ms. {@link #assertWell} fails if the
 * health endpoint was slow (over 1 s) or failed, or if the listener missed frames.
 *
 * <p>Uses its own client Vert.x, so an attack's clients never share an event loop with the
 * bystanders. Tokens come from {@code tokenFor} (user id to a valid token for that user).
 */
public final class Bystanders implements AutoCloseable {
  private static final long FRAME_MS = 20;
  private static final long LONGEST_GAP_MS = 500;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http;
  private final WebSocketClient ws;
  private final AtomicLong healthChecks = new AtomicLong();
  private final AtomicLong healthFailures = new AtomicLong();
  private final AtomicLong slowestHealthMs = new AtomicLong();
  private final AtomicLong framesHeard = new AtomicLong();
  private final AtomicLong longestGapMs = new AtomicLong();
  private volatile long lastFrameAt;
  private volatile boolean measuring;
  private long measureFrom;
  private long heardAtStart;
  private long sender = -1;
  private long poller = -1;

  private Bystanders(int port) {
    http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port)
                .setKeepAlive(false));
    ws =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /**
   * Starts a streaming room on the gateway at {@code port}, waits until its listener hears the mix,
   * and starts the health poller. Call {@link #startMeasuring()} right before the attack.
   */
  public static Bystanders start(int port, Function<String, String> tokenFor) {
    Bystanders b = new Bystanders(port);
    b.begin(tokenFor);
    return b;
  }

  private void begin(Function<String, String> tokenFor) {
    String suffix = Long.toHexString(System.nanoTime());
    String hostId = "bystander-host-" + suffix;
    String listenerId = "bystander-listener-" + suffix;
    CompletableFuture<String> eventId = new CompletableFuture<>();
    var host = ws.webSocket();
    host.textMessageHandler(
        text -> {
          JsonObject m = new JsonObject(text);
          if ("stream_link".equals(m.getString("type"))) {
            eventId.complete(m.getString("event_id"));
          }
        });
    await(
        vertx.getOrCreateContext(),
        () ->
            host.connect(
                new WebSocketConnectOptions()
                    .setURI(
                        "/ws/stream/start/live/" + hostId + "/?token=" + tokenFor.apply(hostId))));
    String event = get(eventId);

    CompletableFuture<Void> hearing = new CompletableFuture<>();
    var listener = ws.webSocket();
    listener.binaryMessageHandler(
        frame -> {
          long now = System.nanoTime();
          if (measuring && lastFrameAt != 0) {
            longestGapMs.accumulateAndGet((now - lastFrameAt) / 1_000_000, Math::max);
          }
          lastFrameAt = now;
          framesHeard.incrementAndGet();
          hearing.complete(null);
        });
    listener.textMessageHandler(text -> {});
    await(
        vertx.getOrCreateContext(),
        () ->
            listener.connect(
                new WebSocketConnectOptions()
                    .setURI(
                        "/ws/stream/live/join/event/"
                            + event
                            + "/"
                            + listenerId
                            + "/"
                            + listenerId
                            + "/?token="
                            + tokenFor.apply(listenerId))));

    io.vertx.core.buffer.Buffer frame = tone(960);
    // Paced by the clock, not by the timer: a late timer sends the frames it owes, as a browser's
    // audio worklet would, so a busy test JVM does not starve the room of input.
    long senderStart = System.nanoTime();
    long[] sent = {0};
    sender =
        vertx.setPeriodic(
            FRAME_MS / 2,
            id -> {
              long due = (System.nanoTime() - senderStart) / (FRAME_MS * 1_000_000) + 1;
              for (; sent[0] < due; sent[0]++) {
                host.writeBinaryMessage(frame);
              }
            });
    get(hearing);
    poller = vertx.setPeriodic(200, id -> askHealth());
  }

  private void askHealth() {
    long started = System.nanoTime();
    http.request(HttpMethod.GET, "/health")
        .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode())))
        .timeout(1_000, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              if (!measuring) {
                return;
              }
              healthChecks.incrementAndGet();
              slowestHealthMs.accumulateAndGet(
                  (System.nanoTime() - started) / 1_000_000, Math::max);
              if (ar.failed() || ar.result() != 200) {
                healthFailures.incrementAndGet();
              }
            });
  }

  /** From now on, health answers and audio gaps count. */
  public void startMeasuring() {
    longestGapMs.set(0);
    slowestHealthMs.set(0);
    healthChecks.set(0);
    healthFailures.set(0);
    heardAtStart = framesHeard.get();
    measureFrom = System.nanoTime();
    measuring = true;
  }

  /**
   * Asserts that since {@link #startMeasuring()} the health endpoint answered every time within 1 s
   * and the bystander listener got the room's mix with no loss: one frame per 20 ms tick of the
   * window, less two for its edges (frames still in flight get up to a second to arrive: late is
   * not lost), and no gap of {@value #LONGEST_GAP_MS} ms or more (a stalled gateway).
   */
  public void assertWell() {
    measuring = false;
    long elapsedMs = (System.nanoTime() - measureFrom) / 1_000_000;
    long expected = elapsedMs / FRAME_MS;
    long settleBy = System.nanoTime() + 1_000_000_000L;
    while (framesHeard.get() - heardAtStart < expected - 2 && System.nanoTime() < settleBy) {
      LockSupport.parkNanos(10_000_000L);
    }
    long heard = Math.min(framesHeard.get() - heardAtStart, expected + 50);
    String summary =
        "over "
            + elapsedMs
            + " ms: health checks "
            + healthChecks.get()
            + ", failed "
            + healthFailures.get()
            + ", slowest "
            + slowestHealthMs.get()
            + " ms; bystander frames "
            + heard
            + " of about "
            + expected
            + ", longest gap "
            + longestGapMs.get()
            + " ms";
    assertTrue(healthFailures.get() == 0 && slowestHealthMs.get() < 1_000, "health: " + summary);
    assertTrue(
        heard >= expected - 2 && longestGapMs.get() < LONGEST_GAP_MS,
        "bystander audio: " + summary);
    measuring = true;
  }

  private static io.vertx.core.buffer.Buffer tone(int samples) {
    io.vertx.core.buffer.Buffer out = io.vertx.core.buffer.Buffer.buffer(samples * 2);
    for (int i = 0; i < samples; i++) {
      out.appendShortLE((short) Math.round(6000 * Math.sin(2 * Math.PI * 500 * i / 48_000.0)));
    }
    return out;
  }

  private static <T> void await(
      io.vertx.core.Context context, java.util.function.Supplier<io.vertx.core.Future<T>> call) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(
        v ->
            call.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        done.complete(ar.result());
                      } else {
                        done.completeExceptionally(ar.cause());
                      }
                    }));
    get(done);
  }

  private static <T> T get(CompletableFuture<T> future) {
    try {
      return future.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("bystander room did not start", e);
    }
  }

  @Override
  public void close() {
    vertx.cancelTimer(sender);
    vertx.cancelTimer(poller);
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
