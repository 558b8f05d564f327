package dev.podium.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * How this process joins the Hazelcast cluster and secures its event bus.
 *
 * @param name cluster name; nodes with another name never merge ({@code PODIUM_CLUSTER_NAME})
 * @param members TCP/IP members to contact ({@code PODIUM_CLUSTER_MEMBERS}, comma separated)
 * @param host the address this node binds and announces ({@code PODIUM_CLUSTER_HOST}); Hazelcast
 *     and the event bus listen on this address only
 * @param port first Hazelcast port tried, incremented when taken ({@code PODIUM_CLUSTER_PORT})
 * @param configFile a Hazelcast XML file used instead of the built-in TCP/IP configuration (for
 *     example Kubernetes discovery; {@code PODIUM_CLUSTER_CONFIG}); the cluster name still comes
 *     from {@code PODIUM_CLUSTER_NAME} when that is set
 * @param busPort the event bus's TCP port, 0 for a random free one ({@code
 *     PODIUM_CLUSTER_BUS_PORT})
 * @param tls mutual TLS for the event bus, or null when it runs in plain TCP
 * @param standalone true when this process keeps to itself (an all-in-one nobody told to cluster)
 * @param expectedMembers the fewest members the whole cluster has when nothing is wrong ({@code
 *     PODIUM_CLUSTER_EXPECTED_MEMBERS}, 0 = not told): with fewer, this process suspects a split
 *     and says it is not ready (see {@code ClusterWatch})
 * @param workerThreads Vert.x's worker threads ({@code PODIUM_CLUSTER_WORKER_THREADS}): the cluster
 *     manager's event-bus lookups and registrations and every cluster map call of Podium wait on
 *     one of them while Hazelcast answers, so right after members die (partitions moving) too few
 *     of them queue every room's messages behind the slowest calls
 */
public record ClusterSettings(
    String name,
    List<String> members,
    String host,
    int port,
    String configFile,
    int busPort,
    EventBusTls tls,
    boolean standalone,
    int expectedMembers,
    int workerThreads) {

  public static final String NAME = "PODIUM_CLUSTER_NAME";
  public static final String MEMBERS = "PODIUM_CLUSTER_MEMBERS";
  public static final String HOST = "PODIUM_CLUSTER_HOST";
  public static final String CONFIG = "PODIUM_CLUSTER_CONFIG";
  public static final String EXPECTED_MEMBERS = "PODIUM_CLUSTER_EXPECTED_MEMBERS";
  public static final String WORKER_THREADS = "PODIUM_CLUSTER_WORKER_THREADS";

  /** Vert.x's own default; see {@link #workerThreads}. */
  public static final int DEFAULT_WORKER_THREADS = 20;

  /**
   * The settings of a per-service process: it joins the cluster named by the settings (default
   * "podium").
   */
  public static ClusterSettings from(Settings settings) {
    return read(settings, false);
  }

  /**
   * The settings of an all-in-one: it clusters only when told to, that is when {@code
   * PODIUM_CLUSTER_NAME}, {@code PODIUM_CLUSTER_MEMBERS} or {@code PODIUM_CLUSTER_CONFIG} is set.
   * Otherwise it takes a cluster name of its own and contacts nobody, so two all-in-ones on one
   * machine never merge.
   */
  public static ClusterSettings standaloneByDefault(Settings settings) {
    boolean told =
        settings.optional(NAME) != null
            || settings.optional(MEMBERS) != null
            || settings.optional(CONFIG) != null;
    return read(settings, !told);
  }

  private static ClusterSettings read(Settings settings, boolean standalone) {
    String host = settings.string(HOST, "127.0.0.1");
    boolean loopback = loopback(host);
    String name =
        standalone ? "podium-standalone-" + UUID.randomUUID() : settings.string(NAME, "podium");
    List<String> members =
        standalone
            ? List.of()
            : Arrays.stream(settings.string(MEMBERS, "127.0.0.1").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    return new ClusterSettings(
        name,
        members,
        host,
        settings.integer("PODIUM_CLUSTER_PORT", 5701, 1, 65535),
        settings.optional(CONFIG),
        settings.integer("PODIUM_CLUSTER_BUS_PORT", 0, 0, 65535),
        EventBusTls.from(settings, loopback),
        standalone,
        // A standalone process is a cluster of one whatever it is told.
        standalone ? 0 : settings.integer(EXPECTED_MEMBERS, 0, 0, 1_000),
        settings.integer(WORKER_THREADS, DEFAULT_WORKER_THREADS, 1, 512));
  }

  /**
   * Whether the cluster address is a loopback one. The wildcard is refused: both listeners would
   * then be open on every interface, and the event bus would announce an address nobody can reach.
   */
  private static boolean loopback(String host) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new Settings.InvalidSettingException(HOST, "does not resolve: '" + host + "'");
    }
    if (address.isAnyLocalAddress()) {
      throw new Settings.InvalidSettingException(
          HOST,
          "must be one address of this machine (loopback, or the private address other nodes reach), not the wildcard "
              + host);
    }
    return address.isLoopbackAddress();
  }
}
