package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A real WebSocket client as a test sees it: every text message received is kept in order, and the
 * test takes the ones it expects, waiting a bounded time for each.
 */
final class TestSocket {
  static final long WAIT_MS = 10_000;

  private final ClientWebSocket ws;
  private final List<JsonObject> inbox = new ArrayList<>();
  private final List<JsonObject> seen = new ArrayList<>();

  /** {@link #seen} by type: a worker asking for one type must not scan minutes of messages. */
  private final Map<String, List<JsonObject>> seenByType = new HashMap<>();

  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private final List<Binary> binaries = new ArrayList<>();

  /** When each text message arrived (System.nanoTime), guarded by {@code inbox}. */
  private final List<Long> textTimes = new ArrayList<>();

  /** Whether binary messages keep their bytes, or only when they arrived ({@link #timesOnly}). */
  private volatile boolean keepBinaryData = true;

  /** A binary message and when it arrived (System.nanoTime). */
  record Binary(Buffer data, long receivedAt) {}

  /**
   * Notified whenever any test socket receives a message or closes, for conditions over several
   * sockets. Held only to count and to wait, never while a condition is evaluated: the clients'
   * event loops take it for every message, and a loop kept waiting stops reading its sockets, which
   * the gateway then closes as slow consumers (seen in the network-fault suite, with two dozen
   * workers scanning thousands of messages under it).
   */
  private static final Object ARRIVALS = new Object();

  /** Messages and closes so far, guarded by {@link #ARRIVALS}. */
  private static long arrivals;

  /**
   * Held while a condition is evaluated, so that the waiters (every arrival, audio frames included,
   * wakes them all) evaluate one at a time and use at most one core on a 2-core machine that also
   * runs the servers under test; the event loops never take it.
   */
  private static final Object EVALUATING = new Object();

  /** Handlers are set before the handshake, so nothing the server sends first is missed. */
  TestSocket(ClientWebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(
        text -> {
          JsonObject msg = new JsonObject(text);
          synchronized (inbox) {
            textTimes.add(System.nanoTime());
            inbox.add(msg);
            seen.add(msg);
            seenByType.computeIfAbsent(msg.getString("type", ""), t -> new ArrayList<>()).add(msg);
            inbox.notifyAll();
          }
          arrived();
        });
    ws.binaryMessageHandler(
        data -> {
          synchronized (binaries) {
            binaries.add(new Binary(keepBinaryData ? data : null, System.nanoTime()));
          }
          // Audio kept as times only is read after the fact, never waited on: dozens of such
          // listeners get thousands of frames a second, and each arrival wakes every waiter.
          if (keepBinaryData) {
            arrived();
          }
        });
    ws.closeHandler(
        v -> {
          closed.complete(ws.closeStatusCode());
          arrived();
        });
  }

  private static void arrived() {
    synchronized (ARRIVALS) {
      arrivals++;
      ARRIVALS.notifyAll();
    }
  }

  /**
   * From now on keeps only when each binary message arrived, not its bytes: a listener's room mix
   * is PCM, about 96 KB/s, and a test with dozens of listeners for minutes would otherwise hold
   * gigabytes that the collector must trace on the same two cores as the servers under test. Its
   * audio no longer wakes {@link #awaitCondition} waiters either: read it afterwards ({@link
   * #binariesSince}).
   */
  TestSocket timesOnly() {
    keepBinaryData = false;
    return this;
  }

  /** Binary messages received so far (a copy). */
  List<Binary> binaries() {
    synchronized (binaries) {
      return new ArrayList<>(binaries);
    }
  }

  /** Binary messages received after the given System.nanoTime instant. */
  List<Binary> binariesSince(long nanos) {
    synchronized (binaries) {
      // Arrival order is time order: copy only the tail, not minutes of audio.
      int from = binaries.size();
      while (from > 0 && binaries.get(from - 1).receivedAt() > nanos) {
        from--;
      }
      return new ArrayList<>(binaries.subList(from, binaries.size()));
    }
  }

  /** How many text messages arrived between two System.nanoTime instants. */
  int textsBetween(long fromNanos, long toNanos) {
    synchronized (inbox) {
      int n = 0;
      for (int i = textTimes.size() - 1; i >= 0 && textTimes.get(i) >= fromNanos; i--) {
        n += textTimes.get(i) <= toNanos ? 1 : 0;
      }
      return n;
    }
  }

  /** The negotiated WebSocket subprotocol, or null. */
  String subProtocol() {
    return ws.subProtocol();
  }

  void send(JsonObject msg) {
    ws.writeTextMessage(msg.encode());
  }

  void sendText(String text) {
    ws.writeTextMessage(text);
  }

  void sendBinary(Buffer frame) {
    ws.writeBinaryMessage(frame);
  }

  void close() {
    ws.close();
  }

  /**
   * Forgets every message not taken yet, so that what a test expects next can only come from what
   * it does next (an earlier list with the same count would otherwise satisfy it).
   */
  void drain() {
    synchronized (inbox) {
      inbox.clear();
    }
  }

  /** Takes the first message of this type (earlier messages of other types stay). */
  JsonObject expect(String type) {
    return expect(type, m -> true);
  }

  /** Takes the first message of this type that matches. */
  JsonObject expect(String type, Predicate<JsonObject> match) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    synchronized (inbox) {
      while (true) {
        for (Iterator<JsonObject> it = inbox.iterator(); it.hasNext(); ) {
          JsonObject m = it.next();
          if (type.equals(m.getString("type")) && match.test(m)) {
            it.remove();
            if ("error".equals(type)) {
              requireDetails(m);
            }
            return m;
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          fail("no '" + type + "' message within " + WAIT_MS + " ms; received: " + inbox);
        }
        try {
          inbox.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fail("interrupted");
        }
      }
    }
  }

  /**
   * Today's pages show an error's {@code details} and nothing else: every error a test takes must
   * have them, saying more than the bare code.
   */
  private static void requireDetails(JsonObject error) {
    Object details = error.getValue("details");
    String code = error.getString("code", "");
    if (!(details instanceof String text)
        || text.isBlank()
        || text.equals(code)
        || text.equals(code.replace('_', ' '))) {
      fail("error without useful details: " + error);
    }
  }

  /** Takes the first error and checks its code. */
  JsonObject expectError(String code) {
    JsonObject error = expect("error");
    if (!code.equals(error.getString("code"))) {
      fail("expected error " + code + " but got " + error);
    }
    return error;
  }

  /** The {@code stream_link} a host's socket received (taken or not); fails if none came. */
  JsonObject streamLink() {
    List<JsonObject> links = seen("stream_link");
    if (links.isEmpty()) {
      throw new AssertionError("this socket received no stream_link: " + seen());
    }
    return links.get(0);
  }

  /** The id of the event this host's socket started ({@link #streamLink()}). */
  String eventId() {
    return streamLink().getString("event_id");
  }

  /** Whether the socket is still open (no close has arrived). */
  boolean isOpen() {
    return !closed.isDone();
  }

  /** Every text message received so far, taken or not, in arrival order. */
  List<JsonObject> seen() {
    synchronized (inbox) {
      return List.copyOf(seen);
    }
  }

  /** How many text messages this socket has received so far. */
  int seenCount() {
    synchronized (inbox) {
      return seen.size();
    }
  }

  /** The text messages received from position {@code index} on (a copy of that tail only). */
  List<JsonObject> seenFrom(int index) {
    synchronized (inbox) {
      return List.copyOf(seen.subList(Math.min(index, seen.size()), seen.size()));
    }
  }

  /**
   * The text messages received from position {@code index} on, each as its type and when it arrived
   * in ms after {@code originNanos} (System.nanoTime): what a client saw while it waited, for a
   * failure message.
   */
  List<String> arrivalsFrom(int index, long originNanos) {
    synchronized (inbox) {
      List<String> out = new ArrayList<>();
      for (int i = Math.min(index, seen.size()); i < seen.size(); i++) {
        out.add(
            seen.get(i).getString("type") + "@+" + (textTimes.get(i) - originNanos) / 1_000_000);
      }
      return out;
    }
  }

  /** Every message of this type received so far, taken or not. */
  List<JsonObject> seen(String type) {
    synchronized (inbox) {
      return List.copyOf(seenByType.getOrDefault(type, List.of()));
    }
  }

  /**
   * Waits, woken by each arriving message, until the condition holds; false if it never did in
   * time.
   */
  static boolean awaitCondition(BooleanSupplier condition, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      long before;
      synchronized (ARRIVALS) {
        before = arrivals;
      }
      if (holds(condition)) {
        return true;
      }
      synchronized (ARRIVALS) {
        while (arrivals == before) {
          long left = deadline - System.currentTimeMillis();
          if (left <= 0) {
            break;
          }
          try {
            ARRIVALS.wait(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      }
      if (System.currentTimeMillis() >= deadline) {
        return holds(condition);
      }
    }
  }

  private static boolean holds(BooleanSupplier condition) {
    synchronized (EVALUATING) {
      return condition.getAsBoolean();
    }
  }

  /** Position of a received message in arrival order (identity, not equality). */
  int order(JsonObject message) {
    synchronized (inbox) {
      for (int i = 0; i < seen.size(); i++) {
        if (seen.get(i) == message) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Messages of this type still waiting to be taken. */
  List<JsonObject> pending(String type) {
    synchronized (inbox) {
      return inbox.stream().filter(m -> type.equals(m.getString("type"))).toList();
    }
  }

  /** The close status code, waiting for the server to close. */
  short awaitClose() {
    try {
      Short code = closed.get(WAIT_MS, TimeUnit.MILLISECONDS);
      return code == null ? -1 : code;
    } catch (Exception e) {
      return fail("socket not closed within " + WAIT_MS + " ms; inbox: " + inbox);
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** The close status code if the socket has closed (-1 when none was given), else null. */
  Short closeCode() {
    if (!closed.isDone()) {
      return null;
    }
    Short code = closed.getNow(null);
    return code == null ? -1 : code;
  }
}
