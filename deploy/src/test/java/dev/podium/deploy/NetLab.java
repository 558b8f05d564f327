package dev.podium.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine: each a Linux network namespace with its own address from 198.51.100.0/24 (a
 * documentation range, so nothing real is ever addressed), joined by veth pairs to one bridge. The
 * bridge holds 198.51.100.1 in the test's own namespace, so the test's clients reach every host's
 * gateway. Faults are nftables rules inside the hosts' namespaces (a partition drops a pair's
 * packets both ways, a one-way partition only one way, loss drops a random share) and Linux's token
 * bucket filter for a slow link; {@code tc netem} is not used, since this machine's kernel lacks
 * it. Needs root, {@code ip} (iproute2) and {@code nft} (nftables).
 *
 * <p>Everything is named after the test JVM's pid ({@code pdm<pid>...}); {@link #close} removes
 * every namespace, link and rule, a shutdown hook does it if the JVM exits first, and a new lab
 * first removes what a killed earlier JVM left behind.
 */
final class NetLab implements AutoCloseable {
  static final String PREFIX = "pdm";
  static final String BRIDGE_ADDRESS = "198.51.100.1";

  /** A host: its namespace and address. */
  record Host(String name, String namespace, String address, String rootLink) {
    /** The command line, run inside this host's namespace. */
    List<String> inside(List<String> command) {
      List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
      all.addAll(command);
      return all;
    }
  }

  private final String tag = PREFIX + ProcessHandle.current().pid();
  private final String bridge = tag + "br";
  private final List<Host> hosts = new ArrayList<>();
  private final Thread cleanUp = new Thread(this::removeAll, "netlab-clean-up");
  private boolean closed;

  /** Whether this machine can build a lab: root, ip, nft, ethtool and python3. */
  static boolean available() {
    try {
      return "0".equals(output(List.of("id", "-u")).strip())
          && run(List.of("ip", "-V"))
          && run(List.of("nft", "--version"))
          && run(List.of("ethtool", "--version"))
          && run(List.of("python3", "--version"));
    } catch (IOException e) {
      return false;
    }
  }

  NetLab() throws IOException {
    removeLeftovers();
    Runtime.getRuntime().addShutdownHook(cleanUp);
    must("ip", "link", "add", bridge, "type", "bridge");
    must("ip", "addr", "add", BRIDGE_ADDRESS + "/24", "dev", bridge);
    must("ip", "link", "set", bridge, "gso_max_segs", "1");
    must("ethtool", "-K", bridge, "tx", "off");
    must("ip", "link", "set", bridge, "up");
  }

  /** A new host with the next address (198.51.100.10, .11, ...). */
  synchronized Host host(String name) throws IOException {
    int index = hosts.size();
    if (index >= 200) {
      throw new IllegalStateException("a lab holds at most 200 hosts");
    }
    Host host = new Host(name, tag + "-" + name, "198.51.100." + (10 + index), tag + "v" + index);
    String inner = tag + "i" + index;
    must("ip", "netns", "add", host.namespace());
    hosts.add(host);
    must("ip", "link", "add", host.rootLink(), "type", "veth", "peer", "name", inner);
    must("ip", "link", "set", inner, "netns", host.namespace());
    must("ip", "-n", host.namespace(), "link", "set", inner, "name", "eth0");
    must("ip", "-n", host.namespace(), "addr", "add", host.address() + "/24", "dev", "eth0");
    // Complete frames: one segment per packet and checksums filled in (no offloading them to a
    // "device" that is a veth), since a delayed link (delay_link.py) copies frames as they are.
    must("ip", "-n", host.namespace(), "link", "set", "eth0", "gso_max_segs", "1");
    must(host.inside(List.of("ethtool", "-K", "eth0", "tx", "off")));
    must("ip", "-n", host.namespace(), "link", "set", "eth0", "up");
    must("ip", "-n", host.namespace(), "link", "set", "lo", "up");
    must("ip", "link", "set", host.rootLink(), "master", bridge);
    must("ip", "link", "set", host.rootLink(), "up");
    nft(
        host,
        "add table inet podium_faults\n"
            + "add chain inet podium_faults input { type filter hook input priority 0; policy accept; }\n"
            + "add chain inet podium_faults output { type filter hook output priority 0; policy accept; }\n");
    return host;
  }

  /** Drops every packet between a and b, both ways. */
  void cut(Host a, Host b) throws IOException {
    cutOneWay(a, b);
    cutOneWay(b, a);
  }

  /** Cuts {@code host} off from each of {@code others}, both ways. */
  void isolate(Host host, List<Host> others) throws IOException {
    for (Host other : others) {
      if (!other.equals(host)) {
        cut(host, other);
      }
    }
  }

  /** Packets from {@code from} never reach {@code to}; the other way still works. */
  void cutOneWay(Host from, Host to) throws IOException {
    nft(from, "add rule inet podium_faults output ip daddr " + to.address() + " drop\n");
    nft(to, "add rule inet podium_faults input ip saddr " + from.address() + " drop\n");
  }

  /** Drops this share (0–100 %) of the host's packets to and from the other hosts, at random. */
  void loss(Host host, int percent) throws IOException {
    String match = "ip daddr 198.51.100.0/24 ip daddr != " + BRIDGE_ADDRESS;
    nft(
        host,
        "add rule inet podium_faults output "
            + match
            + " numgen random mod 100 < "
            + percent
            + " drop\n"
            + "add rule inet podium_faults input ip saddr 198.51.100.0/24 ip saddr != "
            + BRIDGE_ADDRESS
            + " numgen random mod 100 < "
            + percent
            + " drop\n");
  }

  /**
   * Limits what the host sends to this rate with a token bucket that queues at most {@code
   * queueMs}: a slow link, whose queue adds up to that much delay once it is full.
   */
  void slow(Host host, String rate, int queueMs) throws IOException {
    must(
        host.inside(
            List.of(
                "tc",
                "qdisc",
                "replace",
                "dev",
                "eth0",
                "root",
                "tbf",
                "rate",
                rate,
                "burst",
                "16kb",
                "latency",
                queueMs + "ms")));
  }

  /**
   * Delays every packet between the host and the other hosts by {@code delayMs} ± {@code jitterMs}
   * (uniformly, keeping their order) and drops {@code lossPercent} of them, both ways; its clients
   * (the bridge's address) are not affected. The host's veth is taken out of the bridge and {@code
   * delay_link.py} carries its frames instead: {@code tc netem} is missing from this machine's
   * kernel and nftables here cannot queue packets to a program.
   */
  synchronized void delay(Host host, int delayMs, int jitterMs, int lossPercent)
      throws IOException {
    int index = hosts.indexOf(host);
    String inner = tag + "d" + index;
    String bridged = tag + "e" + index;
    must("ip", "link", "add", inner, "type", "veth", "peer", "name", bridged);
    must("ip", "link", "set", bridged, "master", bridge);
    for (String link : List.of(inner, bridged, host.rootLink())) {
      must("ip", "link", "set", link, "gso_max_segs", "1", "promisc", "on", "up");
    }
    must("ip", "link", "set", host.rootLink(), "nomaster");
    Process wire =
        new ProcessBuilder(
                "python3",
                delayScript().toString(),
                host.rootLink(),
                inner,
                String.valueOf(delayMs),
                String.valueOf(jitterMs),
                String.valueOf(lossPercent),
                BRIDGE_ADDRESS)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .start();
    delayed.put(host, wire);
  }

  /** The delaying wires running now, by host. */
  private final java.util.Map<Host, Process> delayed = new java.util.HashMap<>();

  private static java.nio.file.Path delayScript() throws IOException {
    java.nio.file.Path script = java.nio.file.Files.createTempFile("podium-delay-link", ".py");
    script.toFile().deleteOnExit();
    try (var in = NetLab.class.getResourceAsStream("delay_link.py")) {
      if (in == null) {
        throw new IOException("delay_link.py is not on the test class path");
      }
      java.nio.file.Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return script;
  }

  /** Removes every fault: rules, slow links and delaying wires. */
  synchronized void heal() throws IOException {
    for (Host host : hosts) {
      nft(host, "flush chain inet podium_faults input\nflush chain inet podium_faults output\n");
      run(host.inside(List.of("tc", "qdisc", "del", "dev", "eth0", "root")));
    }
    for (java.util.Map.Entry<Host, Process> wire : delayed.entrySet()) {
      Host host = wire.getKey();
      // SIGTERM: the wire writes out the frames it holds first, as a healing link delivers what
      // was on it (killed, it lost them, and every TCP connection through it stalled a second or
      // more waiting to retransmit: a 2-4 s silence right after the heal).
      wire.getValue().destroy();
      try {
        if (!wire.getValue().waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
          wire.getValue().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        wire.getValue().destroyForcibly();
      }
      must("ip", "link", "set", host.rootLink(), "master", bridge);
      run(List.of("ip", "link", "del", tag + "d" + hosts.indexOf(host)));
    }
    delayed.clear();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanUp);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs (or ran) anyway.
    }
  }

  /**
   * Kills what runs in the namespaces, removes them (their veth pairs go with them) and the bridge.
   */
  private void removeAll() {
    delayed.values().forEach(Process::destroyForcibly);
    removeTagged(tag);
  }

  /** Removes what labs of JVMs that no longer run left behind. */
  private static void removeLeftovers() throws IOException {
    for (String line : output(List.of("ip", "netns", "list")).split("\n")) {
      String name = line.split(" ")[0];
      deadLabTag(name).ifPresent(NetLab::removeTagged);
    }
    // Bridges, and the veth pairs of delaying wires, of dead labs.
    for (String line : output(List.of("ip", "-o", "link", "show")).split("\n")) {
      String[] parts = line.split(": ");
      if (parts.length > 1) {
        deadLabTag(parts[1].split("@")[0]).ifPresent(NetLab::removeTagged);
      }
    }
  }

  /** The tag of a lab object whose JVM is gone, if this name is one. */
  private static java.util.Optional<String> deadLabTag(String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^pdm(\\d+)").matcher(name);
    if (!m.find()) {
      return java.util.Optional.empty();
    }
    long pid = Long.parseLong(m.group(1));
    boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    return alive ? java.util.Optional.empty() : java.util.Optional.of(PREFIX + pid);
  }

  private static void removeTagged(String tag) {
    try {
      for (String line : output(List.of("ip", "netns", "list")).split("\n")) {
        String namespace = line.split(" ")[0];
        if (!namespace.startsWith(tag + "-")) {
          continue;
        }
        for (String pid : output(List.of("ip", "netns", "pids", namespace)).split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid.strip()))
                .ifPresent(
                    p -> {
                      p.destroyForcibly();
                      p.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
                    });
          }
        }
        run(List.of("ip", "netns", "del", namespace));
      }
      // The delaying wires' veth pairs live in this namespace (their programs exit with them).
      for (String line : output(List.of("ip", "-o", "link", "show")).split("\n")) {
        String[] parts = line.split(": ");
        if (parts.length > 1) {
          String link = parts[1].split("@")[0];
          if (link.startsWith(tag + "d")) {
            run(List.of("ip", "link", "del", link));
          }
        }
      }
      run(List.of("ip", "link", "del", tag + "br"));
    } catch (IOException e) {
      System.err.println("netlab: could not remove " + tag + ": " + e.getMessage());
    }
  }

  private static void nft(Host host, String script) throws IOException {
    Process nft =
        new ProcessBuilder(host.inside(List.of("nft", "-f", "-")))
            .redirectErrorStream(true)
            .start();
    nft.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    nft.getOutputStream().close();
    String said = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (waitFor(nft) != 0) {
      throw new IOException("nft in " + host.name() + " refused:\n" + script + said);
    }
  }

  private static void must(String... command) throws IOException {
    must(List.of(command));
  }

  private static void must(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (waitFor(p) != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + said.strip());
    }
  }

  private static boolean run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return waitFor(p) == 0;
  }

  private static String output(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    waitFor(p);
    return out;
  }

  private static int waitFor(Process p) throws IOException {
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + p.info().commandLine().orElse("?"));
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
