package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.presence.PresenceService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code /ws/active-streams/} sockets of this node: each gets the list on connect and every
 * (coalesced) update the presence-service publishes, encoded once per node.
 */
public final class ActiveStreamsFeed {
  private final Vertx vertx;
  private final PresenceService presence;
  private final Set<ServerWebSocket> sockets = new LinkedHashSet<>();

  public ActiveStreamsFeed(Vertx vertx, PresenceService presence) {
    this.vertx = vertx;
    this.presence = presence;
  }

  public Future<Void> start() {
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.ACTIVE_STREAMS,
            msg -> {
              EncodedText text = EncodedText.of(msg.body());
              for (ServerWebSocket ws : sockets) {
                if (!ws.writeQueueFull()) {
                  // A watcher that is behind misses an intermediate list; the next one replaces it
                  // anyway.
                  ws.writeFrame(text.frame());
                }
              }
            })
        .completion();
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

  public int size() {
    return sockets.size();
  }
}
