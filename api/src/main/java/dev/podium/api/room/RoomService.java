package dev.podium.api.room;

import dev.podium.api.Addresses;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import java.util.List;

/** Room lifecycle: the single source of truth for which events are live and who hosts them. */
@ProxyGen
public interface RoomService {

  static RoomService createProxy(Vertx vertx) {
    return new ServiceProxyBuilder(vertx)
        .setAddress(Addresses.ROOM_SERVICE)
        .setOptions(new DeliveryOptions().setSendTimeout(3000))
        .build(RoomService.class);
  }

  /** A proxy to one instance's own address (the owner of the events it is asked about). */
  static RoomService createInstanceProxy(Vertx vertx, String instanceId) {
    return new ServiceProxyBuilder(vertx)
        .setAddress(Addresses.roomInstance(instanceId))
        .setOptions(new DeliveryOptions().setSendTimeout(3000))
        .build(RoomService.class);
  }

  /**
   * Starts an event hosted by {@code userId}, or returns the host's event that is still live (for
   * example within the reconnect grace period) with {@code resumed = true}.
   */
  Future<LiveEvent> goLive(String userId, String username);

  /**
   * The live event with this id; fails with {@code event_not_found} if it never existed or has
   * ended.
   */
  Future<LiveEvent> find(String eventId);

  /** Ends the event; only its host may. Fails with {@code not_host} or {@code event_not_found}. */
  Future<Void> end(String eventId, String userId);

  /**
   * Lets a user into an event: {@code {event, role, stage}} where {@code event} is the event's
   * description, {@code role} the role the user enters with (the room-service decides it) and
   * {@code stage} the co-hosts, mode and, for the host, pending requests to speak. Fails with
   * {@code event_not_found} or {@code banned}.
   */
  Future<JsonObject> admit(String eventId, String userId, boolean verified);

  /**
   * Told by the presence-service whether the host or a co-host currently has a connected socket.
   * When they go away their reconnect grace starts (then the event ends, or the co-host steps
   * down); when they are back it is cancelled.
   */
  Future<Void> presence(String eventId, String userId, boolean present);

  /** Every live event. */
  Future<List<LiveEvent>> liveEvents();

  // The stage. Each fails with the refusal code the actor should see and then changes nothing.

  /**
   * Host only: invites a signed-in participant to co-host; the invitation expires after the TTL.
   */
  Future<Void> inviteCohost(String eventId, String actorId, String targetId);

  Future<Void> acceptCohost(String eventId, String userId);

  Future<Void> rejectCohost(String eventId, String userId);

  /** A co-host steps down. */
  Future<Void> leaveCohost(String eventId, String userId);

  /** Host only. */
  Future<Void> removeCohost(String eventId, String actorId, String targetId);

  Future<Void> requestToSpeak(String eventId, String userId);

  Future<Void> cancelRequest(String eventId, String userId);

  /** Host only. */
  Future<Void> dismissRequest(String eventId, String actorId, String targetId);

  /** The host mutes a co-host, or a co-host mutes themselves. */
  Future<Void> mute(String eventId, String actorId, String targetId);

  /** A co-host unmutes themselves. */
  Future<Void> unmute(String eventId, String actorId, String targetId);

  /** Host only: closes the user's connection and bans them from the event. */
  Future<Void> removeParticipant(String eventId, String actorId, String targetId);

  /** Host only: {@code mode} is {@code "audio"} or {@code "screen"}. */
  Future<Void> switchMode(String eventId, String actorId, String mode);

  /**
   * The host starts recording the event; fails with {@code not_host} or {@code already_recording}.
   */
  Future<Void> startRecording(String eventId, String actorId);

  /** The host stops recording the event; fails with {@code not_host} or {@code not_recording}. */
  Future<Void> stopRecording(String eventId, String actorId);
}
