package dev.podium.deploy;

import dev.podium.runtime.Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Podium service in a JVM of its own, joined to a test cluster, that a test can kill with
 * SIGKILL: the honest way to see what the cluster does when a process dies without a word. Its
 * output is kept, so a test can wait for a line (for example "room-service owns event").
 */
final class PodiumProcess implements AutoCloseable {
  /**
   * What Hazelcast needs on JDK 17, as this test JVM got it: surefire's argLine, from the parent
   * pom's one list (podium.jvmOpens, podium.jvmExports). A class-path launch needs them as flags;
   * {@code java -jar} finds them in the jar's manifest.
   */
  private static final List<String> MODULE_FLAGS =
      ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
          .toList();

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final String readyLine;
  private final Process process;
  private final int port;
  private final int opsPort;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  /**
   * What this process left running: its children seen before it was killed, and its embedded
   * PostgreSQL (started by {@code pg_ctl}, which detaches it, so it is no descendant).
   */
  private final List<ProcessHandle> leftBehind = new CopyOnWriteArrayList<>();

  private PodiumProcess(
      String name,
      List<String> command,
      Map<String, String> environment,
      String readyLine,
      Process process,
      int port,
      int opsPort) {
    this.name = name;
    this.command = command;
    this.environment = environment;
    this.readyLine = readyLine;
    this.process = process;
    this.port = port;
    this.opsPort = opsPort;
  }

  /** One service process to start: its name, main class, and the log line that says it started. */
  record Launch(String name, Class<?> main, String readyLine) {
    static Launch room(String name) {
      return new Launch(name, dev.podium.room.RoomServiceMain.class, "room-service started");
    }

    static Launch presence(String name) {
      return new Launch(
          name, dev.podium.presence.PresenceServiceMain.class, "presence-service started");
    }

    static Launch chat(String name) {
      return new Launch(name, dev.podium.chat.ChatServiceMain.class, "chat-service started");
    }

    static Launch relay(String name) {
      return new Launch(name, dev.podium.media.MediaRelayMain.class, "media-relay started");
    }

    static Launch history(String name) {
      return new Launch(
          name, dev.podium.history.HistoryServiceMain.class, "history-service started");
    }

    static Launch recorder(String name) {
      return new Launch(name, dev.podium.recorder.RecorderMain.class, "recorder started");
    }

    static Launch gateway(String name) {
      return new Launch(name, dev.podium.gateway.GatewayMain.class, "gateway started");
    }
  }

  /**
   * Starts these processes one after the other, each in its own JVM, each once the one before is
   * up, and adds them to {@code keep} in the order given. Started all at once, eight JVMs on two
   * cores starved each other long enough to miss Hazelcast's 3 s heartbeat deadline, and the
   * cluster sometimes formed in two parts (a process alone for over a minute, or one that never
   * started). Every process that started is in {@code keep} (for the test to stop) even when a
   * later one failed to start; that failure is then thrown.
   */
  static void startAll(
      List<PodiumProcess> keep, Settings cluster, Map<String, String> extra, Launch... launches)
      throws IOException {
    for (Launch l : launches) {
      keep.add(start(l.name(), l.main(), cluster, extra, l.readyLine()));
    }
  }

  /**
   * Starts {@code mainClass} with the cluster settings and {@code extra} environment; waits for
   * {@code readyLine}.
   */
  static PodiumProcess start(
      String name,
      Class<?> mainClass,
      Settings cluster,
      Map<String, String> extra,
      String readyLine)
      throws IOException {
    return start(name, mainClass, cluster, extra, readyLine, 180);
  }

  /** As above, waiting at most {@code timeoutSeconds} for {@code readyLine}. */
  static PodiumProcess start(
      String name,
      Class<?> mainClass,
      Settings cluster,
      Map<String, String> extra,
      String readyLine,
      int timeoutSeconds)
      throws IOException {
    List<String> java = new ArrayList<>(MODULE_FLAGS);
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    return launch(List.of(), name, java, cluster, extra, readyLine, timeoutSeconds);
  }

  /**
   * Starts {@code mainClass} inside a host of a {@link NetLab}: in its network namespace, with its
   * address for the cluster, the gateway and the ops port (the test reaches them over the lab's
   * bridge). The event bus runs in the clear: the lab's network is private to this machine.
   */
  static PodiumProcess startIn(
      NetLab.Host host,
      Class<?> mainClass,
      Settings cluster,
      Map<String, String> extra,
      String readyLine)
      throws IOException {
    List<String> java = new ArrayList<>(MODULE_FLAGS);
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    Map<String, String> env = new HashMap<>();
    env.put("PODIUM_CLUSTER_HOST", host.address());
    env.put("PODIUM_CLUSTER_TLS", "off");
    env.put("PODIUM_HTTP_HOST", host.address());
    env.put("PODIUM_OPS_HOST", host.address());
    env.putAll(extra);
    return launch(host.inside(List.of()), host.name(), java, cluster, env, readyLine, 180);
  }

  /**
   * Starts {@code java} with exactly these arguments after the heap size, and no others: for
   * example {@code -jar} and a service's jar, as an operator would run it.
   */
  static PodiumProcess startJava(
      String name,
      List<String> java,
      Settings cluster,
      Map<String, String> extra,
      String readyLine,
      int timeoutSeconds)
      throws IOException {
    return launch(List.of(), name, java, cluster, extra, readyLine, timeoutSeconds);
  }

  private static PodiumProcess launch(
      List<String> prefix,
      String name,
      List<String> java,
      Settings cluster,
      Map<String, String> extra,
      String readyLine,
      int timeoutSeconds)
      throws IOException {
    int port = freePort();
    int opsPort = freePort();
    List<String> command = new ArrayList<>(prefix);
    command.add(System.getProperty("java.home") + "/bin/java");
    command.add("-Xmx256m");
    command.addAll(java);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("PODIUM_"));
    for (String setting :
        List.of(
            "PODIUM_CLUSTER_NAME",
            "PODIUM_CLUSTER_PORT",
            "PODIUM_JWT_SECRET",
            "PODIUM_MAX_CONNECTIONS_PER_IP",
            "PODIUM_JOIN_RATE_PER_SECOND",
            "PODIUM_JOIN_BURST")) {
      env.put(setting, cluster.string(setting, ""));
    }
    env.put("PODIUM_HTTP_PORT", String.valueOf(port));
    env.put("PODIUM_HTTP_HOST", "127.0.0.1");
    // Every process has its own ops port (health and metrics), on loopback.
    env.put("PODIUM_OPS_PORT", String.valueOf(opsPort));
    env.put("PODIUM_OPS_HOST", "127.0.0.1");
    // A history-service (or all-in-one) keeps its embedded PostgreSQL in a folder of its own; a
    // restart uses the same one.
    env.put("PODIUM_DATA_DIR", TestDataDirs.create(name));
    env.putAll(extra);
    return run(
        name, List.copyOf(command), Map.copyOf(env), readyLine, port, opsPort, timeoutSeconds);
  }

  /**
   * The same command and environment again, on the same HTTP and ops ports: what an operator does
   * after a crash. Call it once this process is gone ({@link #kill} or {@link #stop}).
   */
  PodiumProcess restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " still runs");
    }
    return run(name, command, environment, readyLine, port, opsPort, 180);
  }

  private static PodiumProcess run(
      String name,
      List<String> command,
      Map<String, String> environment,
      String readyLine,
      int port,
      int opsPort,
      int timeoutSeconds)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    PodiumProcess started =
        new PodiumProcess(name, command, environment, readyLine, builder.start(), port, opsPort);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(
                          started.process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  started.lines.add(line);
                  System.out.println("[" + name + "] " + line);
                  if (line.contains(readyLine)) {
                    ready.complete(null);
                  }
                }
              } catch (IOException ignored) {
                // The process is gone.
              }
              ready.completeExceptionally(
                  new IllegalStateException(name + " exited before it was ready"));
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      started.close();
      throw new IllegalStateException(name + " did not start", e);
    }
    return started;
  }

  /**
   * Next candidate for {@link #freePort}: below Linux's ephemeral range (32768 and up), where the
   * outgoing connections of the cluster's many JVMs cannot take a port between our probe and the
   * process binding it (a drill run once lost a room-service to exactly that), and spread by pid so
   * that concurrent test JVMs rarely probe the same ports.
   */
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
      new java.util.concurrent.atomic.AtomicInteger(
          20_000 + (int) (ProcessHandle.current().pid() % 500) * 20);

  private static int freePort() throws IOException {
    for (int tries = 0; tries < 1_000; tries++) {
      int port = NEXT_PORT.getAndIncrement();
      if (port >= 32_000) {
        NEXT_PORT.set(20_000);
        continue;
      }
      try (ServerSocket probe =
          new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IOException("no free port between 20000 and 32000");
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  /**
   * Waits (bounded) until every process sees a cluster of {@code members}, as its readiness body
   * says. Many JVMs starting at once on a small machine can leave one that missed heartbeats while
   * it started in a cluster of its own until Hazelcast's merge finds it (in one CI run over a
   * minute later); a drill that started then would lose two processes at a time.
   */
  static void awaitOneCluster(PodiumHarness podium, List<PodiumProcess> processes, int members) {
    Map<String, Integer> seen = new java.util.TreeMap<>();
    boolean whole =
        Polls.eventually(
            () -> {
              seen.clear();
              for (PodiumProcess p : processes) {
                seen.put(
                    p.name(), membersSeenBy(podium.getPort(p.opsPort(), "/health/ready").body()));
              }
              return seen.values().stream().allMatch(n -> n == members);
            },
            120_000);
    if (!whole) {
      throw new AssertionError(
          "the processes did not form one cluster of " + members + " within 120 s: " + seen);
    }
  }

  /** The cluster size a readiness body reports (its {@code cluster} check), -1 when absent. */
  private static int membersSeenBy(String readinessBody) {
    try {
      io.vertx.core.json.JsonArray checks =
          new io.vertx.core.json.JsonObject(readinessBody).getJsonArray("checks");
      for (Object o : checks) {
        io.vertx.core.json.JsonObject check = (io.vertx.core.json.JsonObject) o;
        if ("cluster".equals(check.getString("id")) && check.getJsonObject("data") != null) {
          return check.getJsonObject("data").getInteger("members", -1);
        }
      }
    } catch (RuntimeException unreadable) {
      // not ready to answer yet
    }
    return -1;
  }

  /** The port of its {@code /health/live}, {@code /health/ready} and {@code /metrics}. */
  int opsPort() {
    return opsPort;
  }

  /** Everything the process printed so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Whether the process printed a line containing all these fragments. */
  boolean printed(String... fragments) {
    return lines.stream()
        .anyMatch(
            l -> {
              for (String f : fragments) {
                if (!l.contains(f)) {
                  return false;
                }
              }
              return true;
            });
  }

  /** Whether this media relay's latest word about the event is that it mixes it. */
  boolean mixes(String eventId) {
    String last = null;
    for (String line : lines) {
      if (line.contains(eventId) && line.contains("mixing event")) {
        last = line;
      }
    }
    return last != null && !last.contains("no longer mixing event");
  }

  /**
   * Whether this room-service's or presence-service's latest word about the event is that it owns
   * it.
   */
  boolean ownsEvent(String eventId) {
    String last = null;
    for (String line : lines) {
      if (line.contains(eventId) && line.contains("owns event")) {
        last = line;
      }
    }
    return last != null && !last.contains("no longer owns event");
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM: a clean stop (the launcher's shutdown hook closes Vert.x); waits for the exit. */
  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends a signal by name ("STOP", "CONT"). */
  void signal(String name) throws java.io.IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
        .inheritIO()
        .start()
        .waitFor(5, TimeUnit.SECONDS);
  }

  /**
   * SIGKILL: no socket closes, no cluster goodbye. An embedded PostgreSQL the process ran keeps
   * running, as it would on a real machine (a restart on the same data folder stops it); {@link
   * #close} stops it if nothing else did.
   */
  void kill() throws InterruptedException {
    process.descendants().forEach(leftBehind::add);
    embeddedPostgres().ifPresent(leftBehind::add);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Kills the process, then stops what it left running (its embedded PostgreSQL). */
  @Override
  public void close() {
    process.descendants().forEach(leftBehind::add);
    embeddedPostgres().ifPresent(leftBehind::add);
    process.destroyForcibly();
    leftBehind.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
  }

  /** Waits (at most 15 s) until the process has exited after {@link #close}. */
  public void awaitExit() {
    try {
      process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The PostgreSQL running on this process's data folder, named by its {@code postmaster.pid}. */
  private java.util.Optional<ProcessHandle> embeddedPostgres() {
    String dataDir = environment.get("PODIUM_DATA_DIR");
    if (dataDir == null) {
      return java.util.Optional.empty();
    }
    try {
      List<String> pidFile =
          java.nio.file.Files.readAllLines(
              java.nio.file.Path.of(dataDir, "postgres", "postmaster.pid"));
      return pidFile.isEmpty()
          ? java.util.Optional.empty()
          : ProcessHandle.of(Long.parseLong(pidFile.get(0).strip()))
              .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    } catch (java.io.IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }
}
