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
 * @param configFile a Hazelcast XML file used instead of the built-in TCP/IP configuration (for
 *                   example Kubernetes discovery; {@code PODIUM_CLUSTER_CONFIG}); the cluster name
 *                   still comes from {@code PODIUM_CLUSTER_NAME} when that is set
 */
public record ClusterSettings(String name, List<String> members, String host, int port, String configFile) {

  public static ClusterSettings from(Settings settings) {
    String members = settings.string("PODIUM_CLUSTER_MEMBERS", "127.0.0.1");
    return new ClusterSettings(
        settings.string("PODIUM_CLUSTER_NAME", "podium"),
        Arrays.stream(members.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        settings.string("PODIUM_CLUSTER_HOST", "127.0.0.1"),
        settings.integer("PODIUM_CLUSTER_PORT", 5701, 1, 65535),
        settings.optional("PODIUM_CLUSTER_CONFIG"));
  }
}
