package dev.podium.api;

import io.vertx.core.json.JsonObject;

/**
 * A gateway node's sign of life, published on {@link Addresses#GATEWAY_HEARTBEAT} every heartbeat
 * interval; presence removes the participants of a node it has not heard from for long enough. The
 * one place the body {@code {node_id}} is written and read.
 */
public record GatewayHeartbeat(String nodeId) {

  public GatewayHeartbeat {
    if (nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("a heartbeat names its gateway node");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("node_id", nodeId);
  }

  /**
   * Reads a body back.
   *
   * @throws IllegalArgumentException when it is not an object with a non-empty {@code node_id}
   *     string
   */
  public static GatewayHeartbeat fromJson(Object body) {
    if (!(body instanceof JsonObject json)
        || !(json.getValue("node_id") instanceof String nodeId)) {
      throw new IllegalArgumentException("a heartbeat is {node_id}, not " + body);
    }
    return new GatewayHeartbeat(nodeId);
  }
}
