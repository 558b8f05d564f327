package dev.podium.api;

import io.vertx.core.json.JsonObject;

/**
 * The cheap, read-only proxy call used to see whether a service answers: the action name (the proxy
 * method) and its arguments, for each service.
 */
public final class ReadinessProbes {
  private ReadinessProbes() {}

  /** A probe: address, proxy action and body. */
  public record Probe(String name, String address, String action, JsonObject body) {}

  public static final Probe ROOM =
      new Probe("room-service", Addresses.ROOM_SERVICE, "liveEvents", new JsonObject());
  public static final Probe PRESENCE =
      new Probe("presence-service", Addresses.PRESENCE_SERVICE, "activeStreams", new JsonObject());
  public static final Probe CHAT =
      new Probe(
          "chat-service",
          Addresses.CHAT_SERVICE,
          "history",
          new JsonObject().put("eventId", "readiness-probe"));
}
