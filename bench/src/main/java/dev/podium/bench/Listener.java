package dev.podium.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * One listener: joins through its first base URL, then, once in the room, reconnects through the
 * next base whenever its socket closes or the gateway sends {@code reconnect}, with the same user
 * id and token, for as long as the run lasts (see {@link ReconnectPolicy}). Everything but the two
 * volatile fields runs on the listener's own event-loop context.
 */
final class Listener {

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final BenchOptions opts;
  private final String path;
  private final ListenerStats stats;
  private final ReconnectPolicy policy;
  private final Rejoin rejoin;
  private final Reconnects reconnects;
  private final BooleanSupplier running;

  private int generation;
  private boolean inRoom;
  private boolean ended;
  private long audioAwaySince = -1;
  private volatile int currentBase;
  private volatile boolean connected;

  /**
   * @param path the join path and query after the base URL's own path (token included)
   * @param base index of the base URL to join through first
   */
  Listener(
      Vertx vertx,
      Context context,
      WebSocketClient client,
      BenchOptions opts,
      String path,
      int base,
      ListenerStats stats,
      ReconnectPolicy policy,
      Reconnects reconnects,
      BooleanSupplier running) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.opts = opts;
    this.path = path;
    this.rejoin = new Rejoin(policy, opts.bases().size(), base);
    this.currentBase = base;
    this.stats = stats;
    this.policy = policy;
    this.reconnects = reconnects;
    this.running = running;
  }

  ListenerStats stats() {
    return stats;
  }

  /**
   * The base URL index this listener is connected through, or -1 while it has no socket in the
   * room.
   */
  int gateway() {
    return connected ? currentBase : -1;
  }

  /**
   * Joins; {@code settled} counts down once when it is in the room or has failed (then {@code
   * failures} says why).
   */
  void start(CountDownLatch settled, JoinFailures failures) {
    context.runOnContext(
        v -> {
          stats.connecting(System.nanoTime());
          open(settled, failures);
        });
  }

  private void open(CountDownLatch settled, JoinFailures failures) {
    int gen = ++generation;
    ClientWebSocket ws = client.webSocket();
    boolean[] first = {true};
    // Handlers before connect, so the first messages are never missed.
    ws.textMessageHandler(text -> onText(gen, first, text, settled, failures));
    ws.binaryMessageHandler(
        b -> {
          long now = System.nanoTime();
          stats.onBinary(b, now);
          if (audioAwaySince >= 0 && gen == generation) {
            reconnects.audioAgain(now - audioAwaySince);
            audioAwaySince = -1;
          }
        });
    ws.closeHandler(v -> onClose(gen, settled, failures));
    ws.exceptionHandler(e -> {});
    ws.connect(
            LoadGenerator.connectOptions(
                opts, rejoin.base(), opts.basePath(rejoin.base()) + path, opts.subprotocol()))
        .onFailure(e -> onConnectFailed(gen, e, settled, failures));
  }

  private void onText(
      int gen, boolean[] first, String text, CountDownLatch settled, JoinFailures failures) {
    if (gen != generation) {
      return;
    }
    long now = System.nanoTime();
    if (first[0]) {
      String refusal = errorCode(text);
      // On a reconnect, back in the room is the first message that is not an error (a refusal is
      // followed by a close); on the first join, the first message decides, as it always has.
      first[0] = inRoom && refusal != null;
      if (!inRoom) {
        if (refusal != null) {
          if (stats.failed()) {
            failures.refused(refusal);
            settled.countDown();
          }
        } else if (stats.joined(now)) {
          inRoom = true;
          connected = true;
          settled.countDown();
        }
      } else if (refusal != null) {
        // The gateway closes the socket next; the close tries the next base.
        reconnects.refused(refusal);
      } else {
        stats.reopened();
        currentBase = rejoin.base();
        connected = true;
        long awaySince = rejoin.back();
        reconnects.reconnected(now - awaySince);
        audioAwaySince = awaySince;
      }
      return;
    }
    long afterMs = ReconnectPolicy.reconnectAfterMs(text);
    if (afterMs >= 0) {
      // The gateway is going away and closes the socket next (1012): come back after after_ms.
      rejoin.askedBackAfter(afterMs, now);
    } else if (ReconnectPolicy.isStreamEnded(text)) {
      ended = true;
    }
  }

  private void onClose(int gen, CountDownLatch settled, JoinFailures failures) {
    if (gen != generation) {
      return;
    }
    connected = false;
    stats.closed();
    if (!inRoom) {
      if (stats.failed()) {
        failures.refused("closed_before_join");
        settled.countDown();
      }
      return;
    }
    retry(gen, settled, failures);
  }

  private void onConnectFailed(
      int gen, Throwable e, CountDownLatch settled, JoinFailures failures) {
    if (gen != generation) {
      return;
    }
    if (!inRoom) {
      if (stats.failed()) {
        failures.connectFailed(e);
        settled.countDown();
      }
      return;
    }
    reconnects.refused("connect_failed");
    retry(gen, settled, failures);
  }

  /**
   * The socket of generation {@code gen} is gone: try the next base, unless the run or the event is
   * over.
   */
  private void retry(int gen, CountDownLatch settled, JoinFailures failures) {
    if (gen != generation) {
      return;
    }
    int scheduled = ++generation;
    long now = System.nanoTime();
    rejoin.away(now);
    if (ended || !running.getAsBoolean() || policy.maxAttempts() == 0) {
      return;
    }
    if (!rejoin.mayTry()) {
      reconnects.gaveUp();
      return;
    }
    long delayMs = rejoin.nextDelayMs(now);
    vertx.setTimer(
        Math.max(1, delayMs),
        id -> {
          if (scheduled == generation && !ended && running.getAsBoolean()) {
            reconnects.attempted();
            open(settled, failures);
          }
        });
  }

  /** The {@code code} of an {@code error} message, or null for anything else. */
  static String errorCode(String text) {
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
}
