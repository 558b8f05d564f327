package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.util.Set;

/**
 * A presence-service for room-service tests: the users in {@code connected} are in every event,
 * nobody else is, and everything else it is told succeeds. A grace that runs out asks it whether
 * the user is connected before the event ends.
 */
class AbsentPresence implements PresenceService {
  private final Set<String> connected;

  AbsentPresence(Set<String> connected) {
    this.connected = connected;
  }

  /** Bound on presence's shared address; completes once registered. */
  static Future<MessageConsumer<JsonObject>> bind(Vertx vertx, Set<String> connected) {
    MessageConsumer<JsonObject> consumer =
        new ServiceBinder(vertx)
            .setAddress(Addresses.PRESENCE_SERVICE)
            .register(PresenceService.class, new AbsentPresence(connected));
    return consumer.completion().map(v -> consumer);
  }

  @Override
  public Future<Participant> participant(String eventId, String userId) {
    return connected.contains(userId)
        ? Future.succeededFuture(
            new Participant(userId, userId, Participant.ROLE_HOST, true, "node", "session"))
        : Future.failedFuture(ErrorCode.NOT_IN_ROOM.exception(userId + " is not in this event"));
  }

  @Override
  public Future<JsonObject> join(String eventId, Participant participant) {
    return Future.succeededFuture(new JsonObject());
  }

  @Override
  public Future<Void> leave(String eventId, String userId, String sessionId) {
    return Future.succeededFuture();
  }

  @Override
  public Future<JsonObject> page(String eventId, int offset, int limit) {
    return Future.succeededFuture(new JsonObject());
  }

  @Override
  public Future<JsonObject> activeStreams() {
    return Future.succeededFuture(new JsonObject());
  }

  @Override
  public Future<Void> setRole(String eventId, String userId, String role) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> notifyUser(String userId, JsonObject message) {
    return Future.succeededFuture();
  }
}
