package dev.podium.bench;

import io.vertx.core.Context;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One client of the ownership drill: a WebSocket that keeps every text message it receives with its
 * arrival time ({@link System#nanoTime}), so that the drill's main thread can ask afterwards when
 * something first arrived, and time recovery from the arrival itself, not from when it looked.
 * Everything on the socket runs on its Vert.x context.
 */
final class DrillSocket {
  /** A message and when it arrived. */
  record Received(JsonObject message, long atNanos) {}

  final String userId;
  final long openedAtNanos = System.nanoTime();
  private final Context context;
  private final List<Received> received = new ArrayList<>();
  private volatile long closedAtNanos;
  private volatile String connectError;
  private ClientWebSocket ws;
  // Context-confined: a socket is written to or closed only once its handshake is done.
  private boolean connected;
  private boolean closeRequested;

  private DrillSocket(Context context, String userId) {
    this.context = context;
    this.userId = userId;
  }

  /**
   * Starts connecting (on {@code context}); handlers are set before the handshake, so nothing is
   * missed.
   */
  static DrillSocket open(
      Context context, WebSocketClient client, WebSocketConnectOptions options, String userId) {
    DrillSocket s = new DrillSocket(context, userId);
    context.runOnContext(
        v -> {
          ClientWebSocket socket = client.webSocket();
          s.ws = socket;
          socket.textMessageHandler(s::onText);
          socket.closeHandler(x -> s.closed());
          socket.exceptionHandler(e -> {});
          socket
              .connect(options)
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      s.connectError = ar.cause().getMessage();
                      s.closed();
                    } else if (s.closeRequested) {
                      socket.close();
                    } else {
                      s.connected = true;
                    }
                  });
        });
    return s;
  }

  private void onText(String text) {
    long at = System.nanoTime();
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      return;
    }
    synchronized (received) {
      received.add(new Received(m, at));
    }
  }

  private void closed() {
    if (closedAtNanos == 0) {
      closedAtNanos = System.nanoTime();
    }
  }

  void send(JsonObject message) {
    String text = message.encode();
    context.runOnContext(
        v -> {
          if (connected && !ws.isClosed()) {
            ws.writeTextMessage(text);
          }
        });
  }

  /** Closes the socket, or, while it is still connecting, as soon as it is connected. */
  void close() {
    context.runOnContext(
        v -> {
          closeRequested = true;
          if (connected && !ws.isClosed()) {
            ws.close();
          }
        });
  }

  /** Whether the socket closed (or never connected). */
  boolean isClosed() {
    return closedAtNanos != 0;
  }

  /** When it closed (System.nanoTime), 0 while open. */
  long closedAtNanos() {
    return closedAtNanos;
  }

  /** Why the connect failed, or null. */
  String connectError() {
    return connectError;
  }

  /**
   * The first message of this type that arrived at or after {@code sinceNanos} and matches; null if
   * none.
   */
  Received first(String type, Predicate<JsonObject> match, long sinceNanos) {
    synchronized (received) {
      for (Received r : received) {
        if (r.atNanos() >= sinceNanos
            && type.equals(r.message().getString("type"))
            && match.test(r.message())) {
          return r;
        }
      }
    }
    return null;
  }

  Received first(String type) {
    return first(type, m -> true, Long.MIN_VALUE);
  }

  /** The latest message of this type, or null. */
  Received last(String type) {
    synchronized (received) {
      for (int i = received.size() - 1; i >= 0; i--) {
        if (type.equals(received.get(i).message().getString("type"))) {
          return received.get(i);
        }
      }
    }
    return null;
  }

  /** Every message of this type that arrived at or after {@code sinceNanos}. */
  List<JsonObject> all(String type, long sinceNanos) {
    synchronized (received) {
      return received.stream()
          .filter(r -> r.atNanos() >= sinceNanos && type.equals(r.message().getString("type")))
          .map(Received::message)
          .toList();
    }
  }

  /** How many messages of this type arrived. */
  int count(String type) {
    synchronized (received) {
      return (int)
          received.stream().filter(r -> type.equals(r.message().getString("type"))).count();
    }
  }
}
