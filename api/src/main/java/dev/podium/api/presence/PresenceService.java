package dev.podium.api.presence;

import dev.podium.api.Addresses;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;

/**
 * Who is in which event: one entry per user id per event, counts, the participant list and the
 * active-streams list.
 */
@ProxyGen
public interface PresenceService {

  static PresenceService createProxy(Vertx vertx) {
    return new ServiceProxyBuilder(vertx)
        .setAddress(Addresses.PRESENCE_SERVICE)
        .setOptions(new DeliveryOptions().setSendTimeout(3000))
        .build(PresenceService.class);
  }

  /** A proxy to one instance's own address (the owner of the events it is asked about). */
  static PresenceService createInstanceProxy(Vertx vertx, String instanceId) {
    return new ServiceProxyBuilder(vertx)
        .setAddress(Addresses.presenceInstance(instanceId))
        .setOptions(new DeliveryOptions().setSendTimeout(3000))
        .build(PresenceService.class);
  }

  /**
   * Adds the participant, or moves an existing entry of the same user to this new socket (the old
   * socket's gateway is told to close it with {@code replaced}; the room sees no leave/join pair).
   * Returns {@code {replaced, count, participant_list}} where {@code participant_list} is the JSON
   * text of the message the joiner should see right away (written to its socket as it is).
   */
  Future<JsonObject> join(String eventId, Participant participant);

  /**
   * Removes the user if {@code sessionId} is still the socket that carries them; otherwise nothing
   * happens.
   */
  Future<Void> leave(String eventId, String userId, String sessionId);

  /** One page of the participant list: {@code {participants, offset, limit, total}}. */
  Future<JsonObject> page(String eventId, int offset, int limit);

  /** The {@code active_streams} message: {@code {type, streams:[...]}}. */
  Future<JsonObject> activeStreams();

  /**
   * The user's entry in the event; fails with {@code not_in_room} when they are not connected to
   * it.
   */
  Future<Participant> participant(String eventId, String userId);

  /** Sets a present user's role (told by the room-service); the list follows. */
  Future<Void> setRole(String eventId, String userId, String role);

  /**
   * Delivers a message to every socket of the user, in any event on any gateway node; fails with
   * {@code user_offline} when the user has none.
   */
  Future<Void> notifyUser(String userId, JsonObject message);
}
