package dev.podium.presence;

import dev.podium.api.ErrorCode;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.runtime.ownership.ServiceOwnership;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What an instance answers on the shared address {@code podium.presence}, behind the routing that
 * sends every call keyed by an event to its owner. The calls that span events run on whichever
 * instance receives them: the active-streams list is read from the cluster copy, and {@link
 * #notifyUser} asks every instance of the ring to deliver to the user's sockets in the events it
 * holds, so finding a user goes through no single instance.
 */
final class SharedEntry implements PresenceService {
  private final PresenceService local;
  private final ServiceOwnership ownership;
  private final Function<String, PresenceService> instance;
  private final Map<String, PresenceService> proxies = new ConcurrentHashMap<>();

  /**
   * @param local this instance's implementation
   * @param instance a proxy to the instance with this id (its own address)
   */
  SharedEntry(
      PresenceService local,
      ServiceOwnership ownership,
      Function<String, PresenceService> instance) {
    this.local = local;
    this.ownership = ownership;
    this.instance = instance;
  }

  @Override
  public Future<JsonObject> join(String eventId, Participant participant) {
    return local.join(eventId, participant);
  }

  @Override
  public Future<Void> leave(String eventId, String userId, String sessionId) {
    return local.leave(eventId, userId, sessionId);
  }

  @Override
  public Future<JsonObject> page(String eventId, int offset, int limit) {
    return local.page(eventId, offset, limit);
  }

  @Override
  public Future<JsonObject> activeStreams() {
    return local.activeStreams();
  }

  @Override
  public Future<Participant> participant(String eventId, String userId) {
    return local.participant(eventId, userId);
  }

  @Override
  public Future<Void> setRole(String eventId, String userId, String role) {
    return local.setRole(eventId, userId, role);
  }

  /**
   * Asks every instance at once; delivered when any delivered. {@code user_offline} only when every
   * instance answered that it holds none of the user's sockets; when some did not answer (one just
   * died, its events are moving) and none delivered, {@code service_unavailable}.
   */
  @Override
  public Future<Void> notifyUser(String userId, JsonObject message) {
    List<Future<Void>> asked = new ArrayList<>();
    for (String id : ownership.ring().members()) {
      PresenceService target =
          id.equals(ownership.instanceId()) ? local : proxies.computeIfAbsent(id, instance);
      asked.add(target.notifyUser(userId, message));
    }
    if (asked.isEmpty()) {
      return Future.failedFuture(
          ErrorCode.SERVICE_UNAVAILABLE.exception(
              "No presence-service instance answers right now; try again"));
    }
    return Future.join(asked)
        .transform(
            ar -> {
              boolean delivered = asked.stream().anyMatch(Future::succeeded);
              if (delivered) {
                return Future.succeededFuture();
              }
              boolean allOffline =
                  asked.stream().allMatch(f -> ErrorCode.of(f.cause()) == ErrorCode.USER_OFFLINE);
              return Future.failedFuture(
                  allOffline
                      ? ErrorCode.USER_OFFLINE.exception(userId + " is not connected right now")
                      : ErrorCode.SERVICE_UNAVAILABLE.exception(
                          "Not every presence-service instance answered; try again"));
            });
  }
}
