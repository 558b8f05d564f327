package dev.podium.deploy;

import dev.podium.chat.ChatServiceMain;
import dev.podium.gateway.GatewayMain;
import dev.podium.media.MediaRelayMain;
import dev.podium.presence.PresenceServiceMain;
import dev.podium.room.RoomServiceMain;
import dev.podium.runtime.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a whole Podium topology at the same moment, every process a JVM of its own, and measures
 * how long until every process is ready ({@code /health/ready} on its ops port answers 200) and all
 * of them are one cluster ({@code podium_cluster_members} on every {@code /metrics} is the process
 * count). The processes are killed afterwards; each start uses a new cluster name.
 */
final class ClusterFormation {
  /** How the processes find each other. */
  enum Layout {
    /**
     * deploy/local-cluster.sh's: a cluster port each, every port listed as a member; here plus
     * spare ports, where a restarted process goes when its own is not free yet.
     */
    LOCAL_SCRIPT,
    /** Podium's defaults: one base port for all (auto-increment), PODIUM_CLUSTER_MEMBERS unset. */
    DEFAULTS
  }

  record Service(String name, Class<?> main, String readyLine) {}

  static final Service GATEWAY = new Service("gateway", GatewayMain.class, "gateway started");
  static final Service ROOM =
      new Service("room-service", RoomServiceMain.class, "room-service started");
  static final Service PRESENCE =
      new Service("presence-service", PresenceServiceMain.class, "presence-service started");
  static final Service CHAT =
      new Service("chat-service", ChatServiceMain.class, "chat-service started");
  static final Service RELAY =
      new Service("media-relay", MediaRelayMain.class, "media-relay started");

  private static final Pattern MEMBERS =
      Pattern.compile("(?m)^podium_cluster_members(?:\\{[^}]*\\})? ([0-9.]+)$");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final int SPARE_PORTS = 8;

  private ClusterFormation() {}

  /**
   * Starts {@code services} at once and returns how long they took to be ready and one cluster;
   * fails (after killing them all) when that took longer than {@code timeout}.
   */
  static Duration startAll(List<Service> services, Layout layout, Duration timeout)
      throws Exception {
    long started = System.nanoTime();
    List<PodiumProcess> processes = launch(services, layout, timeout);
    try {
      awaitOneReadyCluster(processes, started + timeout.toNanos());
      return Duration.ofNanos(System.nanoTime() - started);
    } finally {
      for (PodiumProcess p : processes) {
        p.kill();
      }
    }
  }

  /**
   * Launches {@code services} at the same moment and returns them once each has logged its start-up
   * line, within {@code timeout}; kills them all when one does not.
   */
  static List<PodiumProcess> launch(List<Service> services, Layout layout, Duration timeout)
      throws Exception {
    int n = services.size();
    int base = freePortRange(n + SPARE_PORTS);
    Map<String, String> cluster = new HashMap<>();
    cluster.put("PODIUM_CLUSTER_NAME", "podium-formation-" + UUID.randomUUID());
    cluster.put("PODIUM_CLUSTER_PORT", String.valueOf(base));
    cluster.put("PODIUM_JWT_SECRET", TestTokens.SECRET);
    Settings settings = Settings.of(cluster);
    String members = layout == Layout.LOCAL_SCRIPT ? memberList(base, n + SPARE_PORTS) : null;

    long deadline = System.nanoTime() + timeout.toNanos();
    ExecutorService launcher = Executors.newFixedThreadPool(n);
    List<Future<PodiumProcess>> launching = new ArrayList<>();
    Map<String, Integer> count = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Service s = services.get(i);
      String name = s.name() + "-" + count.merge(s.name(), 1, Integer::sum);
      Map<String, String> extra = new LinkedHashMap<>();
      if (layout == Layout.LOCAL_SCRIPT) {
        extra.put("PODIUM_CLUSTER_PORT", String.valueOf(base + i));
        extra.put("PODIUM_CLUSTER_MEMBERS", members);
        extra.put("PODIUM_CLUSTER_EXPECTED_MEMBERS", String.valueOf(n));
      }
      int seconds = (int) Math.max(1, timeout.toSeconds());
      launching.add(
          launcher.submit(
              () -> PodiumProcess.start(name, s.main(), settings, extra, s.readyLine(), seconds)));
    }
    List<PodiumProcess> processes = new ArrayList<>();
    Exception failed = null;
    try {
      for (Future<PodiumProcess> f : launching) {
        try {
          processes.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (Exception e) {
          failed = failed == null ? e : failed;
        }
      }
    } finally {
      launcher.shutdownNow();
    }
    if (failed != null) {
      // Whatever is still starting is collected and killed too.
      for (Future<PodiumProcess> f : launching) {
        try {
          PodiumProcess p = f.get(1, TimeUnit.SECONDS);
          if (!processes.contains(p)) {
            processes.add(p);
          }
        } catch (Exception ignored) {
          // It failed or never started: nothing to kill.
        }
      }
      for (PodiumProcess p : processes) {
        p.kill();
      }
      throw new AssertionError(
          "a process did not start within " + timeout.toSeconds() + " s", failed);
    }
    return processes;
  }

  /**
   * Waits until every process is ready and sees all of them as members, polling until {@code
   * deadline} ({@link System#nanoTime}); fails saying which are not.
   */
  static void awaitOneReadyCluster(List<PodiumProcess> processes, long deadline)
      throws InterruptedException {
    int n = processes.size();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = notReady(processes, n);
      if (last == null) {
        return;
      }
      Thread.sleep(
          500); // polling readiness over HTTP (bounded by the deadline): no event to wait for
    }
    throw new AssertionError(
        "not ready and one cluster of " + n + " within the time allowed: " + last);
  }

  /** Null when every process is ready and sees {@code n} members; otherwise what is not. */
  private static String notReady(List<PodiumProcess> processes, int n) {
    List<String> problems = new ArrayList<>();
    for (PodiumProcess p : processes) {
      try {
        HttpResponse<String> ready = get(p.opsPort(), "/health/ready");
        String metrics = get(p.opsPort(), "/metrics").body();
        Matcher m = MEMBERS.matcher(metrics);
        int members = m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
        if (ready.statusCode() != 200 || members != n) {
          problems.add(
              p.name()
                  + ": ready "
                  + ready.statusCode()
                  + ", "
                  + members
                  + " member(s) "
                  + ready.body());
        }
      } catch (Exception e) {
        problems.add(p.name() + ": " + e);
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(3))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String memberList(int base, int count) {
    List<String> members = new ArrayList<>();
    for (int p = base; p < base + count; p++) {
      members.add("127.0.0.1:" + p);
    }
    return String.join(",", members);
  }

  /**
   * The first of {@code count} consecutive free loopback ports, from a pid-spread start between
   * 12000 and 18000: below PodiumProcess's HTTP and ops ports (20000 to 32000) and Linux's
   * ephemeral range (32768 on), above the harness's Hazelcast ports (5801 on).
   */
  static int freePortRange(int count) throws IOException {
    int start = 12_000 + (int) (ProcessHandle.current().pid() % 100) * 60;
    for (int base = start; base < 20_000; base += count) {
      if (allFree(base, count)) {
        return base;
      }
    }
    throw new IOException("no " + count + " consecutive free ports");
  }

  private static boolean allFree(int base, int count) {
    for (int p = base; p < base + count; p++) {
      try (ServerSocket probe = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
        probe.setReuseAddress(true);
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }
}
