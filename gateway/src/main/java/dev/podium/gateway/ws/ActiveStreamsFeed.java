package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.presence.StreamListing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The active-streams list of this event loop, as it puts it together from the presence-service
 * instances' parts ({@link StreamParts}), and who sees it: the {@code /ws/active-streams/} sockets
 * (the list on connect, then every change, at most every {@link #BROADCAST_INTERVAL_MS} ms) and
 * {@code GET /api/streams} ({@link #httpBody}). Each form is encoded once per change, and only when
 * someone asks. Only in the first moment after the start, before the list is complete here, a new
 * socket's list and a request's body are read whole from the presence-service.
 */
public final class ActiveStreamsFeed {
  /** Least time between two lists sent to the watchers: a burst of joins is one list. */
  static final long BROADCAST_INTERVAL_MS = 250;

  private final Vertx vertx;
  private final PresenceService presence;
  private final LongSupplier clock;
  private final Set<ServerWebSocket> sockets = new LinkedHashSet<>();
  private StreamParts parts;
  private long broadcastTimer = -1;
  private long lastBroadcast;

  /** The list as last encoded, until the next change: what a new socket gets. */
  private EncodedText current;

  /** {@code {"streams":[...]}} as last encoded, until the next change: the HTTP body. */
  private Buffer currentBody;

  /** The whole-list read that requests share before the list is complete here. */
  private Future<Buffer> bodyRead;

  public ActiveStreamsFeed(Vertx vertx, PresenceService presence) {
    this(vertx, presence, System::currentTimeMillis);
  }

  ActiveStreamsFeed(Vertx vertx, PresenceService presence, LongSupplier clock) {
    this.vertx = vertx;
    this.presence = presence;
    this.clock = clock;
  }

  public Future<Void> start() {
    parts = new StreamParts(clock.getAsLong());
    // The whole list once, for the gaps until every instance has sent its whole part.
    presence
        .activeStreams()
        .onSuccess(
            list -> {
              List<JsonObject> entries = new ArrayList<>();
              list.getJsonArray("streams", new JsonArray())
                  .forEach(e -> entries.add((JsonObject) e));
              parts.baseline(entries, clock.getAsLong());
              changed();
            });
    vertx.setPeriodic(
        StreamListing.FULL_PART_EVERY_MS,
        t -> {
          if (parts.expire(clock.getAsLong())) {
            changed();
          }
        });
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.ACTIVE_STREAMS_PARTS,
            msg -> {
              if (parts.apply(msg.body(), clock.getAsLong())) {
                changed();
              }
            })
        .completion();
  }

  private void changed() {
    current = null;
    currentBody = null;
    if (sockets.isEmpty() || broadcastTimer != -1 || !parts.complete(clock.getAsLong())) {
      return;
    }
    long wait = lastBroadcast + BROADCAST_INTERVAL_MS - clock.getAsLong();
    broadcastTimer =
        vertx.setTimer(
            Math.max(1, wait),
            t -> {
              broadcastTimer = -1;
              broadcast();
            });
  }

  private void broadcast() {
    if (sockets.isEmpty()) {
      return;
    }
    lastBroadcast = clock.getAsLong();
    EncodedText text = list();
    for (ServerWebSocket ws : sockets) {
      if (!ws.writeQueueFull()) {
        // A watcher that is behind misses an intermediate list; the next one replaces it anyway.
        ws.writeFrame(text.frame());
      }
    }
  }

  void add(ServerWebSocket ws) {
    sockets.add(ws);
    ws.closeHandler(v -> sockets.remove(ws));
    ws.textMessageHandler(
        text ->
            ws.writeTextMessage(
                ClientMessages.error(
                    ErrorCode.UNKNOWN_TYPE,
                    "This socket only sends the active-streams list; it accepts no messages")));
    ws.binaryMessageHandler(
        b ->
            ws.writeTextMessage(
                ClientMessages.error(
                    ErrorCode.NOT_ALLOWED, "This socket accepts no binary frames")));
    if (parts.complete(clock.getAsLong())) {
      ws.writeFrame(list().frame());
      return;
    }
    presence
        .activeStreams()
        .onSuccess(list -> ws.writeTextMessage(list.encode()))
        .onFailure(
            e ->
                ws.writeTextMessage(
                    ClientMessages.error(
                        ErrorCode.SERVICE_UNAVAILABLE,
                        "The active-streams list is unavailable right now; updates follow when it is back")));
  }

  /**
   * The body of {@code GET /api/streams}: {@code {"streams":[...]}}, the same list the watchers
   * get. Fails when no presence-service instance has been heard for {@link StreamParts#SILENT_MS}
   * (the list would be empty for want of a source, not of live events). Before the list is complete
   * here, one read of the whole list serves every request that arrives while it runs.
   */
  public Future<Buffer> httpBody() {
    long now = clock.getAsLong();
    if (parts.complete(now)) {
      if (!parts.heard(now)) {
        return Future.failedFuture("no presence-service instance heard from");
      }
      if (currentBody == null) {
        currentBody = body(StreamListing.message(parts.entries()));
      }
      return Future.succeededFuture(currentBody);
    }
    if (bodyRead == null) {
      bodyRead = presence.activeStreams().map(ActiveStreamsFeed::body);
      bodyRead.onComplete(r -> bodyRead = null);
    }
    return bodyRead;
  }

  private static Buffer body(JsonObject message) {
    return Buffer.buffer(
        new JsonObject().put("streams", message.getJsonArray("streams", new JsonArray())).encode());
  }

  private EncodedText list() {
    if (current == null) {
      current = EncodedText.of(StreamListing.message(parts.entries()));
    }
    return current;
  }

  public int size() {
    return sockets.size();
  }
}
