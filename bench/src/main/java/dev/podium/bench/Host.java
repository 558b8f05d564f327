package dev.podium.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The host's socket: goes live through the first base URL and learns the event id from {@code
 * stream_link}. If the socket drops during the run it goes live again, with the same host id,
 * through the next base (rotating; see {@link ReconnectPolicy}): within the host grace period the
 * room-service resumes the same event ({@code stream_link} with the same {@code event_id}, {@code
 * resumed: true}). Everything but the counters runs on the host's event-loop context.
 */
final class Host {

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final BenchOptions opts;
  private final String path;
  private final Rejoin rejoin;
  private final BooleanSupplier running;
  private final AtomicLong binaryMessages = new AtomicLong();
  private final AtomicLong queueFull = new AtomicLong();
  private final AtomicLong notSent = new AtomicLong();

  private ClientWebSocket ws;
  private boolean live;
  private int generation;
  private String eventId;
  private boolean ended;
  // Read by the main thread after the run.
  private volatile boolean closedDuringRun;
  private volatile boolean eventChanged;
  private volatile boolean allResumed = true;
  private final List<Long> gapNanos = new ArrayList<>();

  /**
   * @param path the go-live path and query after the base URL's own path (token included)
   * @param base index of the base URL to go live through first
   */
  Host(
      Vertx vertx,
      Context context,
      WebSocketClient client,
      BenchOptions opts,
      String path,
      int base,
      ReconnectPolicy policy,
      BooleanSupplier running) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.opts = opts;
    this.path = path;
    this.rejoin = new Rejoin(policy, opts.bases().size(), base);
    this.running = running;
  }

  /** Goes live through its first base; completes with the event id. */
  Future<String> start() {
    Promise<String> linked = Promise.promise();
    context.runOnContext(v -> open(linked));
    return linked.future();
  }

  private void open(Promise<String> linked) {
    int gen = ++generation;
    live = false;
    ClientWebSocket socket = client.webSocket();
    ws = socket;
    socket.textMessageHandler(text -> onText(gen, text, linked));
    socket.binaryMessageHandler(b -> binaryMessages.incrementAndGet());
    socket.closeHandler(x -> onClose(gen, linked));
    socket.exceptionHandler(e -> {});
    socket
        .connect(
            LoadGenerator.connectOptions(
                opts, rejoin.base(), opts.basePath(rejoin.base()) + path, null))
        .onComplete(
            ar -> {
              if (ar.failed() && gen == generation) {
                if (eventId == null) {
                  linked.tryFail(
                      "host could not connect to "
                          + opts.bases().get(rejoin.base())
                          + ": "
                          + ar.cause().getMessage());
                } else {
                  retry(gen);
                }
              }
            });
  }

  private void onText(int gen, String text, Promise<String> linked) {
    if (gen != generation
        || !(text.contains("\"stream_link\"")
            || text.contains("\"error\"")
            || text.contains("\"reconnect\"")
            || text.contains("\"stream_ended\""))) {
      return;
    }
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      return;
    }
    String type = m.getString("type", "");
    long now = System.nanoTime();
    switch (type) {
      case "stream_link" -> {
        String id = m.getString("event_id");
        if (eventId == null) {
          eventId = id;
          live = true;
          linked.tryComplete(id);
          return;
        }
        live = true;
        if (!eventId.equals(id)) {
          eventChanged = true;
        }
        if (!m.getBoolean("resumed", false)) {
          allResumed = false;
        }
        long awaySince = rejoin.back();
        synchronized (gapNanos) {
          gapNanos.add(now - awaySince);
        }
      }
      case "error" -> {
        if (eventId == null) {
          linked.tryFail("host got error " + m.getString("code") + ": " + m.getString("message"));
        }
      }
      case "reconnect" -> {
        rejoin.askedBackAfter(ReconnectPolicy.reconnectAfterMs(text), now);
      }
      case "stream_ended" -> ended = true;
      default -> {}
    }
  }

  private void onClose(int gen, Promise<String> linked) {
    if (gen != generation) {
      return;
    }
    live = false;
    if (eventId == null) {
      linked.tryFail("host socket closed before stream_link");
      return;
    }
    if (running.getAsBoolean()) {
      closedDuringRun = true;
    }
    retry(gen);
  }

  private void retry(int gen) {
    if (gen != generation) {
      return;
    }
    int scheduled = ++generation;
    long now = System.nanoTime();
    rejoin.away(now);
    if (ended || !running.getAsBoolean() || !rejoin.mayTry()) {
      return;
    }
    long delayMs = rejoin.nextDelayMs(now);
    vertx.setTimer(
        Math.max(1, delayMs),
        id -> {
          if (scheduled == generation && !ended && running.getAsBoolean()) {
            open(Promise.promise());
          }
        });
  }

  /**
   * Sends one packet if the host is in its event (on the host's context); otherwise counts its
   * frames as not sent. They are lost to the listeners either way.
   */
  void send(Buffer packet, int frames) {
    if (!live || ws.isClosed()) {
      notSent.addAndGet(frames);
      return;
    }
    if (ws.writeQueueFull()) {
      queueFull.incrementAndGet();
    }
    ws.writeBinaryMessage(packet);
  }

  /**
   * Ends the event (Podium closes every listener) and closes the socket. Call after the run
   * stopped.
   */
  Future<Void> end() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          generation++;
          if (ws == null || !live || ws.isClosed()) {
            done.tryComplete();
            return;
          }
          ws.writeTextMessage(new JsonObject().put("type", "stream_ended").encode())
              .transform(ar -> ws.close())
              .onComplete(ar -> done.tryComplete());
        });
    return done.future();
  }

  long binaryMessages() {
    return binaryMessages.get();
  }

  long queueFull() {
    return queueFull.get();
  }

  /** Frames not sent because the host was away from its event. */
  long framesNotSent() {
    return notSent.get();
  }

  boolean closedDuringRun() {
    return closedDuringRun;
  }

  /** Reconnects that went live again: their count and close-to-{@code stream_link} gaps, sorted. */
  long[] reconnectGapNanos() {
    synchronized (gapNanos) {
      return gapNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }
  }

  /** Whether every reconnect got {@code resumed: true}. */
  boolean allResumed() {
    return allResumed;
  }

  /** Whether a reconnect landed in another event than the first (the grace period had run out). */
  boolean eventChanged() {
    return eventChanged;
  }
}
