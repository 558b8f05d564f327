package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.core.Hazelcast;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster plane seen from the network: an all-in-one with the default cluster host, whose
 * gateway listens on every interface (PODIUM_HTTP_HOST=0.0.0.0) as a public one would. Nothing of
 * it but the gateway's port may be reachable from a non-loopback address of this machine: Hazelcast
 * (which before took connections on every interface, and with the cluster name alone let a client
 * read and forge cluster state) and the event bus must refuse.
 */
class ClusterPlaneAbuseTest {
  /** A documentation address (TEST-NET-2) on a dummy interface of our own. */
  private static final String OUTSIDE = "198.51.100.7";

  private static final String INTERFACE = "podcl" + ProcessHandle.current().pid() % 100_000;
  private static final String PEER = "podcp" + ProcessHandle.current().pid() % 100_000;

  private static PodiumHarness podium;
  private static Vertx node;
  private static int gatewayPort;
  private static Bystanders bystanders;
  private static boolean interfaceMade;

  @BeforeAll
  static void start() {
    podium =
        new PodiumHarness(Map.of("PODIUM_HTTP_HOST", "0.0.0.0", "PODIUM_CLUSTER_PORT", "5881"));
    node = podium.startAllInOne();
    gatewayPort = podium.port(node);
    bystanders = Bystanders.start(gatewayPort, TestTokens::valid);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      removeInterface();
    } finally {
      if (bystanders != null) {
        bystanders.close();
      }
      if (podium != null) {
        podium.close();
      }
    }
  }

  @Test
  void onlyTheGatewayListensBeyondLoopback() throws Exception {
    bystanders.startMeasuring();
    List<Listener> listeners = ownListeners();
    assertTrue(
        listeners.stream().anyMatch(l -> l.port() == hazelcastPort()),
        "Hazelcast's port not found among " + listeners);
    List<Listener> exposed = listeners.stream().filter(l -> !l.loopback()).toList();
    for (Listener l : exposed) {
      assertEquals(
          gatewayPort, l.port(), "listening beyond loopback: " + l + " (all: " + listeners + ")");
    }
    assertFalse(
        exposed.isEmpty(),
        "the gateway should listen on every interface in this test: " + listeners);
    // The gateway, Hazelcast and the event bus at least.
    assertTrue(
        listeners.size() >= 3, "expected the gateway, Hazelcast and the event bus: " + listeners);
    bystanders.assertWell();
  }

  @Test
  void fromANonLoopbackAddressOnlyTheGatewayAnswers() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs root to add a network interface");
    assumeTrue(
        Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
            .anyMatch(p -> Files.isExecutable(Path.of(p))),
        "needs the ip command");
    try {
      // A dummy interface where the kernel has the module, else a veth pair (deleting one end
      // deletes both).
      if (run("link", "add", INTERFACE, "type", "dummy") != null) {
        ip("link", "add", INTERFACE, "type", "veth", "peer", "name", PEER);
        ip("link", "set", PEER, "up");
      }
      interfaceMade = true;
      ip("addr", "add", OUTSIDE + "/32", "dev", INTERFACE);
      ip("link", "set", INTERFACE, "up");

      bystanders.startMeasuring();
      Set<Integer> ports = new TreeSet<>();
      ownListeners().forEach(l -> ports.add(l.port()));
      assertTrue(ports.contains(hazelcastPort()), "Hazelcast's port not among " + ports);
      assertTrue(ports.size() >= 3, "expected the gateway, Hazelcast and the event bus: " + ports);
      List<String> reachable = new ArrayList<>();
      for (int port : ports) {
        if (port != gatewayPort && accepts(port)) {
          reachable.add(String.valueOf(port) + (port == hazelcastPort() ? " (Hazelcast)" : ""));
        }
      }
      assertTrue(
          reachable.isEmpty(), "reachable from " + OUTSIDE + ": " + reachable + " of " + ports);
      assertTrue(accepts(gatewayPort), "the gateway should accept on " + OUTSIDE);
      bystanders.assertWell();
    } finally {
      removeInterface();
    }
  }

  /** Connects from nowhere in particular to OUTSIDE:port; false when refused. */
  private static boolean accepts(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(OUTSIDE, port), 2_000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  private static int hazelcastPort() {
    return Hazelcast.getAllHazelcastInstances().stream()
        .filter(
            h ->
                h.getConfig()
                    .getClusterName()
                    .equals(podium.settings().string("PODIUM_CLUSTER_NAME", "")))
        .findFirst()
        .orElseThrow()
        .getCluster()
        .getLocalMember()
        .getAddress()
        .getPort();
  }

  /** A TCP socket this JVM listens on. */
  record Listener(String address, int port, boolean loopback) {}

  /**
   * This JVM's listening TCP sockets: /proc/net/tcp{,6} entries in state LISTEN whose inode is one
   * of our fds.
   */
  static List<Listener> ownListeners() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      fds.forEach(
          fd -> {
            try {
              String target = Files.readSymbolicLink(fd).toString();
              if (target.startsWith("socket:[")) {
                inodes.add(target.substring(8, target.length() - 1));
              }
            } catch (IOException gone) {
              // closed while we looked
            }
          });
    }
    List<Listener> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (!f[3].equals("0A") || !inodes.contains(f[9])) {
          continue;
        }
        String[] local = f[1].split(":");
        byte[] address = address(local[0]);
        int port = Integer.parseInt(local[1], 16);
        java.net.InetAddress ip = java.net.InetAddress.getByAddress(address);
        out.add(
            new Listener(
                ip.getHostAddress(), port, ip.isLoopbackAddress() || mappedLoopback(address)));
      }
    }
    return out;
  }

  /** /proc/net/tcp prints an address as 32-bit words in host (little-endian) order. */
  private static byte[] address(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int word = 0; word < out.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        out[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return out;
  }

  private static boolean mappedLoopback(byte[] a) {
    if (a.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff && a[12] == 127;
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    String failed = run(args);
    if (failed != null) {
      fail("ip " + String.join(" ", args) + " failed: " + failed);
    }
  }

  /** Runs {@code ip args}; null when it worked, else what it said. */
  private static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timed out";
    }
    return p.exitValue() == 0 ? null : out.isBlank() ? "exit " + p.exitValue() : out.trim();
  }

  private static void removeInterface() throws IOException, InterruptedException {
    if (interfaceMade) {
      interfaceMade = false;
      ip("link", "del", INTERFACE);
    }
  }
}
