package dev.podium.api;

import io.vertx.core.json.JsonObject;

/**
 * A gateway node's sign of life, published on {@link Addresses#GATEWAY_HEARTBEAT} every heartbeat
 * interval; presence removes the participants of a node it has not heard from for long enough, once
 * the node's cluster member is gone too (a heartbeat can be late on a busy event bus; a process
 * that is still a member is not dead). The one place the body {@code {node_id, member}} is written
 * and read.
 *
 * @param member the cluster member (Hazelcast member UUID) of the gateway's process; null when it
 *     is not clustered
 */
public record GatewayHeartbeat(String nodeId, String member) {

  public GatewayHeartbeat {
    if (nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("a heartbeat names its gateway node");
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("node_id", nodeId);
    return member == null ? json : json.put("member", member);
  }

  /**
   * Reads a body back.
   *
   * @throws IllegalArgumentException when it is not an object with a non-empty {@code node_id}
   *     string and, if present, a {@code member} string
   */
  public static GatewayHeartbeat fromJson(Object body) {
    if (!(body instanceof JsonObject json)
        || !(json.getValue("node_id") instanceof String nodeId)
        || !(json.getValue("member") == null || json.getValue("member") instanceof String)) {
      throw new IllegalArgumentException("a heartbeat is {node_id, member}, not " + body);
    }
    return new GatewayHeartbeat(nodeId, json.getString("member"));
  }
}
