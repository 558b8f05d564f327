package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.presence.StreamListing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code /ws/active-streams/} sockets of this event loop: each gets the list on connect and
 * then every change, at most every {@link #BROADCAST_INTERVAL_MS} ms, as the list this loop puts
 * together from the presence-service instances' parts ({@link StreamParts}), encoded once per
 * change. Nothing is built while no socket watches. Only in the first moment after the start,
 * before the list is complete here, a new socket's list is read whole from the presence-service.
 */
public final class ActiveStreamsFeed {
  /** Least time between two lists sent to the watchers: a burst of joins is one list. */
  static final long BROADCAST_INTERVAL_MS = 250;

  private final Vertx vertx;
  private final PresenceService presence;
  private final Set<ServerWebSocket> sockets = new LinkedHashSet<>();
  private StreamParts parts;
  private long broadcastTimer = -1;
  private long lastBroadcast;

  /** The list as last encoded, until the next change: what a new socket gets. */
  private EncodedText current;

  public ActiveStreamsFeed(Vertx vertx, PresenceService presence) {
    this.vertx = vertx;
    this.presence = presence;
  }

  public Future<Void> start() {
    parts = new StreamParts(System.currentTimeMillis());
    // The whole list once, for the gaps until every instance has sent its whole part.
    presence
        .activeStreams()
        .onSuccess(
            list -> {
              List<JsonObject> entries = new ArrayList<>();
              list.getJsonArray("streams", new JsonArray())
                  .forEach(e -> entries.add((JsonObject) e));
              parts.baseline(entries, System.currentTimeMillis());
              changed();
            });
    vertx.setPeriodic(
        StreamListing.FULL_PART_EVERY_MS,
        t -> {
          if (parts.expire(System.currentTimeMillis())) {
            changed();
          }
        });
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.ACTIVE_STREAMS_PARTS,
            msg -> {
              if (parts.apply(msg.body(), System.currentTimeMillis())) {
                changed();
              }
            })
        .completion();
  }

  private void changed() {
    current = null;
    if (sockets.isEmpty() || broadcastTimer != -1 || !parts.complete(System.currentTimeMillis())) {
      return;
    }
    long wait = lastBroadcast + BROADCAST_INTERVAL_MS - System.currentTimeMillis();
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
    lastBroadcast = System.currentTimeMillis();
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
    if (parts.complete(System.currentTimeMillis())) {
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
