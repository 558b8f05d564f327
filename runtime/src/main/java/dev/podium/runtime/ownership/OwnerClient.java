package dev.podium.runtime.ownership;

import dev.podium.api.Addresses;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.function.Function;

/**
 * A client of a service whose instances own events (the room-service, the presence-service): each
 * call about an event goes straight to its owner's own address, as this process's view of the
 * service's ring says. Sent to the service's shared address instead, a call reaches whichever
 * instance the event bus picks, which forwards it to the owner: one hop more on every call, and
 * after an instance is killed, until the event bus has dropped its registration (tens of seconds on
 * a busy cluster), one call in N goes to a process that is gone and is answered only by the
 * timeout. The ring is observed ({@link ServiceOwnership#observe}): it follows Hazelcast's
 * membership at once. Calls that are not about one event, and calls made while the ring names no
 * owner, go to the shared address; an instance that no longer owns the event forwards the call as
 * before.
 *
 * @param <T> the service interface
 */
public final class OwnerClient<T> {
  private final ServiceOwnership ring;
  private final T client;

  /**
   * @param ringName the service's ring ({@code Addresses.*_RING})
   * @param shared a proxy to the service's shared address
   * @param instance a proxy to one instance's own address, by instance id
   * @param unkeyed names of the methods whose first argument is not an event id
   */
  public OwnerClient(
      Vertx vertx,
      Class<T> type,
      String ringName,
      T shared,
      Function<String, T> instance,
      Set<String> unkeyed) {
    this.ring = ServiceOwnership.observe(vertx, ringName);
    this.client = OwnerRouting.toOwners(type, shared, instance, ring, unkeyed);
  }

  /** A room-service client: calls about an event go to its room-service owner. */
  public static OwnerClient<RoomService> rooms(Vertx vertx) {
    return new OwnerClient<>(
        vertx,
        RoomService.class,
        Addresses.ROOM_SERVICE_RING,
        RoomService.createProxy(vertx),
        id -> RoomService.createInstanceProxy(vertx, id),
        Addresses.ROOM_UNKEYED_CALLS);
  }

  /** A presence-service client: calls about an event go to its presence-service owner. */
  public static OwnerClient<PresenceService> presence(Vertx vertx) {
    return new OwnerClient<>(
        vertx,
        PresenceService.class,
        Addresses.PRESENCE_SERVICE_RING,
        PresenceService.createProxy(vertx),
        id -> PresenceService.createInstanceProxy(vertx, id),
        Addresses.PRESENCE_UNKEYED_CALLS);
  }

  /** Starts following the ring; completes once the first ring is known. */
  public Future<Void> start() {
    return ring.start(r -> {});
  }

  public Future<Void> stop() {
    return ring.stop();
  }

  /** The client; thread-safe, the answer arrives on the caller's context. */
  public T client() {
    return client;
  }
}
