package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ClusterBootstrap hands Hazelcast and the event bus (the listening itself:
 * ClusterPlaneAbuseTest).
 */
class ClusterBootstrapTest {
  @TempDir Path dir;

  @Test
  void builtInConfigurationBindsTheClusterAddressOnly() {
    Config config = ClusterBootstrap.hazelcastConfig(ClusterSettings.from(Settings.of(Map.of())));
    assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
    assertEquals("127.0.0.1", config.getProperty("hazelcast.local.localAddress"));
    assertTrue(config.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(
        List.of("127.0.0.1"),
        List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    assertTrue(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
  }

  @Test
  void splitClustersAreLookedForWithinSecondsOnEveryPortAMemberMayHave() throws Exception {
    Config builtIn = ClusterBootstrap.hazelcastConfig(ClusterSettings.from(Settings.of(Map.of())));
    assertEquals("10", builtIn.getProperty("hazelcast.merge.first.run.delay.seconds"));
    assertEquals("5", builtIn.getProperty("hazelcast.merge.next.run.delay.seconds"));
    assertEquals("20", builtIn.getProperty("hazelcast.tcp.join.port.try.count"));

    Config file =
        ClusterBootstrap.hazelcastConfig(
            ClusterSettings.from(
                Settings.of(Map.of("PODIUM_CLUSTER_CONFIG", write("bare.xml", "").toString()))));
    assertEquals(
        "10",
        file.getProperty("hazelcast.merge.first.run.delay.seconds"),
        "Hazelcast's 300 s is not ours");
    assertEquals("5", file.getProperty("hazelcast.merge.next.run.delay.seconds"));

    Config own =
        ClusterBootstrap.hazelcastConfig(
            ClusterSettings.from(
                Settings.of(
                    Map.of(
                        "PODIUM_CLUSTER_CONFIG",
                        write(
                                "own.xml",
                                "<properties><property name=\"hazelcast.merge.first.run.delay.seconds\">60"
                                    + "</property></properties>")
                            .toString()))));
    assertEquals(
        "60",
        own.getProperty("hazelcast.merge.first.run.delay.seconds"),
        "the file decides when it says");
  }

  @Test
  void aStandaloneNodeLooksForNobody() {
    Config config =
        ClusterBootstrap.hazelcastConfig(
            ClusterSettings.standaloneByDefault(Settings.of(Map.of())));
    assertFalse(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertFalse(config.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
    assertTrue(config.getClusterName().startsWith("podium-standalone-"));
  }

  @Test
  void aUserFileGetsBindAnyOffUnlessItSaysOtherwise() throws Exception {
    Path plain = write("plain.xml", "");
    Config config =
        ClusterBootstrap.hazelcastConfig(
            ClusterSettings.from(
                Settings.of(
                    Map.of(
                        "PODIUM_CLUSTER_CONFIG",
                        plain.toString(),
                        "PODIUM_CLUSTER_NAME",
                        "mine"))));
    assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
    assertEquals("127.0.0.1", config.getProperty("hazelcast.local.localAddress"));
    assertEquals("mine", config.getClusterName());

    Path explicit =
        write(
            "explicit.xml",
            "<properties><property name=\"hazelcast.socket.bind.any\">true</property>"
                + "<property name=\"hazelcast.local.localAddress\">127.0.0.2</property></properties>");
    config =
        ClusterBootstrap.hazelcastConfig(
            ClusterSettings.from(
                Settings.of(Map.of("PODIUM_CLUSTER_CONFIG", explicit.toString()))));
    assertEquals("true", config.getProperty("hazelcast.socket.bind.any"));
    assertEquals("127.0.0.2", config.getProperty("hazelcast.local.localAddress"));
  }

  @Test
  void theEventBusListensOnTheClusterAddressWithMutualTlsWhenConfigured() throws Exception {
    EventBusOptions plain = new EventBusOptions();
    ClusterBootstrap.eventBus(
        plain, ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_BUS_PORT", "5899"))));
    assertEquals("127.0.0.1", plain.getHost());
    assertEquals(5899, plain.getPort());
    assertNull(plain.getClusterPublicHost(), "Vert.x then announces the host it listens on");
    assertFalse(plain.isSsl());
    assertEquals(
        2_000,
        plain.getClusterPingInterval(),
        "a connection stuck across a network cut is found in seconds, not Vert.x's 40 s");
    assertEquals(5_000, plain.getClusterPingReplyInterval());
    assertEquals(
        2_000,
        plain.getConnectTimeout(),
        "a connection begun during a cut does not hold a peer's messages for TCP's SYN back-off");

    DevCa.make(dir, "node");
    String cert = dir.resolve("node.crt").toString();
    String key = dir.resolve("node.key").toString();
    String ca = dir.resolve("ca.crt").toString();
    EventBusOptions tls = new EventBusOptions();
    ClusterBootstrap.eventBus(
        tls,
        ClusterSettings.from(
            Settings.of(
                Map.of(
                    "PODIUM_CLUSTER_TLS_CERT",
                    cert,
                    "PODIUM_CLUSTER_TLS_KEY",
                    key,
                    "PODIUM_CLUSTER_TLS_CA",
                    ca))));
    assertTrue(tls.isSsl());
    assertEquals(ClientAuth.REQUIRED, tls.getClientAuth());
    assertFalse(tls.isTrustAll());
    assertEquals(List.of(cert), ((PemKeyCertOptions) tls.getKeyCertOptions()).getCertPaths());
    assertEquals(List.of(key), ((PemKeyCertOptions) tls.getKeyCertOptions()).getKeyPaths());
    assertEquals(List.of(ca), ((PemTrustOptions) tls.getTrustOptions()).getCertPaths());
  }

  private Path write(String name, String inner) throws Exception {
    return Files.writeString(
        dir.resolve(name),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\">"
            + inner
            + "<network><join><multicast enabled=\"false\"/></join></network></hazelcast>");
  }
}
