package dev.podium.runtime;

import java.util.Arrays;
import java.util.List;

/**
 * How this process joins the Hazelcast cluster.
 *
 * @param name    cluster name; nodes with another name never merge ({@code PODIUM_CLUSTER_NAME})
 * @param members TCP/IP members to contact ({@code PODIUM_CLUSTER_MEMBERS}, comma separated)
 * @param host    the address this node binds and announces ({@code PODIUM_CLUSTER_HOST})
 * @param port    first Hazelcast port tried, incremented when taken ({@code PODIUM_CLUSTER_PORT})
 */
public record ClusterSettings(String name, List<String> members, String host, int port) {

  public static ClusterSettings from(Settings settings) {
    String members = settings.string("PODIUM_CLUSTER_MEMBERS", "127.0.0.1");
    return new ClusterSettings(
        settings.string("PODIUM_CLUSTER_NAME", "podium"),
        Arrays.stream(members.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        settings.string("PODIUM_CLUSTER_HOST", "127.0.0.1"),
        settings.integer("PODIUM_CLUSTER_PORT", 5701, 1, 65535));
  }
}
