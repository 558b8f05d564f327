package dev.podium.api.media;

import io.vertx.core.json.JsonObject;

/**
 * What one gateway node wants of an event's mixed audio, published on {@code
 * Addresses.mediaDemand(eventId)} to the relay that mixes the event: at once when it changes, and
 * every second while {@code mix} holds. The one place the body {@code {node_id, mix, opus}} is
 * written ({@link #toJson()}) and read ({@link #fromJson}).
 *
 * @param nodeId the gateway node that says it
 * @param mix whether that node has a listener who needs the room mix
 * @param opus whether one of its listeners takes Opus (the relay then encodes the mix once)
 */
public record MediaDemand(String nodeId, boolean mix, boolean opus) {

  public MediaDemand {
    if (nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("a media demand names its gateway node");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("node_id", nodeId).put("mix", mix).put("opus", opus);
  }

  /**
   * Reads a body back. A missing {@code mix} is true (a node that says anything wants the mix, as
   * relays have always read it) and a missing {@code opus} false.
   *
   * @throws IllegalArgumentException naming what is wrong: not an object, no {@code node_id}, a
   *     field of the wrong kind
   */
  public static MediaDemand fromJson(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException(
          "a media demand is a JSON object, not "
              + (body == null ? "null" : body.getClass().getSimpleName()));
    }
    if (!(json.getValue("node_id") instanceof String nodeId)) {
      throw new IllegalArgumentException("a media demand without a node_id string");
    }
    return new MediaDemand(nodeId, flag(json, "mix", true), flag(json, "opus", false));
  }

  private static boolean flag(JsonObject json, String name, boolean absent) {
    Object value = json.getValue(name);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException("a media demand's " + name + " is true or false");
    }
    return b;
  }
}
