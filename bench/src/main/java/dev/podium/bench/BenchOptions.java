package dev.podium.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The load generator's command line: {@code --key value} pairs and two flags. */
public record BenchOptions(
    List<URI> bases,
    int listeners,
    long rampMs,
    int durationS,
    int warmupS,
    int packetMs,
    String secret,
    List<Long> serverPids,
    boolean json,
    String label,
    long settleMs,
    long drainMs,
    long joinTimeoutMs,
    String hostId,
    String subprotocol,
    String listenerQuery,
    int reconnectAttempts,
    List<URI> gatewayMetrics,
    boolean help,
    int rooms,
    double joinRate,
    boolean cold,
    boolean heapAfterGc,
    boolean control,
    int events,
    long stayMinMs,
    long stayMaxMs,
    int stagePct,
    int chatPct,
    Map<String, List<Long>> namedPids,
    boolean ownershipDrill,
    String clusterDir,
    long freezeMs,
    long hostGraceMs,
    int killInstance) {

  public static final String USAGE =
      """
      usage: java -jar bench/target/podium-bench.jar [options]

      One host streams 20 ms PCM frames (48 kHz mono s16le, sequence-marked) to N listeners
      through a Podium gateway or the floor server, and reports loss, end-to-end latency, join
      time and the server's CPU and memory.

        --base URL[,URL...]   server to test, ws://host:port            (ws://127.0.0.1:8000);
                              several gateways of one cluster, comma separated: listener i
                              joins through gateway i % n, the host through the first
        --listeners N         listeners to connect                      (100)
        --ramp-ms MS          listeners join evenly over this time      (5000)
        --duration-s S        how long the host streams, measured       (30)
        --warmup-s S          streaming before that, not measured (JIT)  (2)
        --packet-ms MS        audio per host message, multiple of 20    (20)
        --secret S            HS256 secret to sign tokens with (Podium's PODIUM_JWT_SECRET);
                              without it no token is sent (the floor server needs none)
        --server-pid PID[,PID...]
                              sample /proc/PID for the server's CPU and RSS; several are
                              summed (the all-in-one and a second gateway); may be repeated;
                              pgid:N is every process of process group N at the start
        --label NAME          name of this target in the report         (host:port[,...])
        --settle-ms MS        pause between the last join and the first frame (2000)
        --drain-ms MS         wait after the last frame before counting  (2000)
        --join-timeout-ms MS  a listener without its first message by then counts as failed (15000)
        --host-id ID          the host's user id                        (bench-host-<random>)
        --subprotocol P       WebSocket subprotocol listeners ask for (e.g. podium.v1)
        --listener-query Q    extra query for listener URLs (e.g. codec=opus)
        --reconnect-attempts N
                              a joined listener (or the host) whose socket closes, or that gets
                              {"type":"reconnect"}, reconnects through the next --base (after
                              after_ms, else 250 ms doubling up to 2 s), at most N attempts in
                              a row, while the run lasts; 0: never                      (10)
        --gateway-metrics URL[,URL...]
                              each gateway's GET /metrics on its ops port
                              (http://host:port/metrics, PODIUM_OPS_PORT), one per
                              --base in the same order: the report gives per gateway the media
                              packets it got from the event bus, per mixer tick, and the frames
                              it delivered while the host streamed
        --rooms R             R events, each with its own host (user id --host-id-r<k>) streaming;
                              listener i joins room i % R (on the floor: R rooms keyed by
                              path). The report adds per-room cost                      (1)
        --join-rate J         listeners join at J per second: the ramp is N * 1000 / J ms
                              (instead of --ramp-ms; give one of the two)
        --listeners 0         allowed: the hosts stream to nobody (idle streaming rooms' cost)
        --heap-after-gc       after the drain, while the rooms are still live: jcmd PID GC.run,
                              then the heap used (GC.heap_info) of every --server-pid, summed
        --cold                label this run the first one its servers served since they
                              started (the script sets it; the summary keeps cold runs apart)
        --pid NAME=PID[,PID]  a server process to account CPU for by name (room-service=1234,
                              or room-service=pgid:1234 for a process group);
                              may be repeated; the same name twice sums. Control mode reports
                              each name's CPU; the streaming modes add them to --server-pid

      Control-plane mode (no audio): --control [--events E] [--join-rate J] [--duration-s D]
        --control             E hosts go live; for D seconds visitors join an event (round
                              robin) at J per second, stay a random time, send leave_room;
                              --stage-pct of them are invited by their host, accept, and are
                              removed again. Reports the ops completed per second, latency per
                              operation, errors by code, and CPU per join of every --pid
        --events E            events (hosts) in control mode                 (10)
        --stay-ms MIN-MAX     how long a visitor stays in its event           (1000-5000)
        --stage-pct P         % of visitors who go through invite, accept, remove   (10)
        --chat-pct P          % of the other visitors who send one chat message after joining
                              and wait for it to come back to them (op "chat")   (0)

      Ownership drill (a running deploy/local-cluster.sh cluster, no audio):
        --ownership-drill --cluster-dir DIR --secret S --base URL,URL [--events E]
        --ownership-drill     E hosts go live over the bases, each event gets listeners; the
                              drill reads podium_owned_events and the "owns event" log lines of
                              every room-service and presence-service, kill -9s the first of
                              each, times per moved event how long until a stage action and a
                              new join work again and checks that only their events moved and
                              nothing was lost; then SIGSTOPs a room-service owning events whose
                              hosts went away and checks, after SIGCONT, that its overdue grace
                              ends nothing and that it stepped down (docs/benchmarks.md)
        --cluster-dir DIR     the cluster's LOCAL_CLUSTER_DIR: its instances file, pid files
                              and logs (the drill signals those pids: the cluster is its own)
        --events E            events in the drill                            (300)
        --freeze-ms MS        how long the SIGSTOP lasts                      (15000)
        --host-grace-ms MS    the cluster's PODIUM_HOST_GRACE_MS: shorter than --freeze-ms,
                              longer than a takeover                          (12000)
        --kill-instance K     which room-service and presence-service the drill kills, the
                              K-th of each in start order; the first started is usually
                              Hazelcast's master, so 1 also kills the master   (1)

        --json                also print the result as one JSON line
        --help                print this and exit
      """;

  private static final Set<String> FLAGS =
      Set.of("json", "help", "cold", "heap-after-gc", "control", "ownership-drill");
  private static final Set<String> KEYS =
      Set.of(
          "base",
          "listeners",
          "ramp-ms",
          "duration-s",
          "warmup-s",
          "packet-ms",
          "secret",
          "server-pid",
          "label",
          "settle-ms",
          "drain-ms",
          "join-timeout-ms",
          "host-id",
          "subprotocol",
          "listener-query",
          "reconnect-attempts",
          "gateway-metrics",
          "rooms",
          "join-rate",
          "pid",
          "events",
          "stay-ms",
          "stage-pct",
          "chat-pct",
          "cluster-dir",
          "freeze-ms",
          "host-grace-ms",
          "kill-instance");

  /** Options that may be given more than once; their values are joined with commas. */
  private static final Set<String> REPEATABLE = Set.of("server-pid", "pid");

  /** Most rooms or events one run sets up (each is a host socket and, on Podium, a live event). */
  static final int MAX_ROOMS = 10_000;

  public BenchOptions {
    require(!bases.isEmpty(), "--base needs at least one URL");
    for (URI base : bases) {
      if (!"ws".equals(base.getScheme()) || base.getHost() == null || base.getPort() <= 0) {
        throw new IllegalArgumentException("--base must look like ws://host:port, got " + base);
      }
    }
    bases = List.copyOf(bases);
    for (URI metrics : gatewayMetrics) {
      if (!"http".equals(metrics.getScheme())
          || metrics.getHost() == null
          || metrics.getPort() <= 0) {
        throw new IllegalArgumentException(
            "--gateway-metrics must look like http://host:port/metrics, got " + metrics);
      }
    }
    require(
        gatewayMetrics.isEmpty() || gatewayMetrics.size() == bases.size(),
        "--gateway-metrics needs one URL per --base ("
            + bases.size()
            + "), got "
            + gatewayMetrics.size());
    gatewayMetrics = List.copyOf(gatewayMetrics);
    serverPids = List.copyOf(serverPids);
    require(reconnectAttempts >= 0, "--reconnect-attempts must not be negative");
    require(listeners >= 0, "--listeners must not be negative");
    require(rooms >= 1 && rooms <= MAX_ROOMS, "--rooms must be 1 to " + MAX_ROOMS);
    require(events >= 1 && events <= MAX_ROOMS, "--events must be 1 to " + MAX_ROOMS);
    require(
        joinRate >= 0 && !Double.isInfinite(joinRate),
        "--join-rate must be a positive number of listeners per second");
    require(!control || joinRate > 0, "--control needs --join-rate (visitors per second)");
    require(
        stayMinMs >= 0 && stayMaxMs >= stayMinMs, "--stay-ms must be MIN-MAX with 0 <= MIN <= MAX");
    require(stagePct >= 0 && stagePct <= 100, "--stage-pct must be 0 to 100");
    require(chatPct >= 0 && chatPct <= 100, "--chat-pct must be 0 to 100");
    namedPids = Collections.unmodifiableMap(new LinkedHashMap<>(namedPids));
    require(rampMs >= 0, "--ramp-ms must not be negative");
    require(durationS >= 1, "--duration-s must be at least 1");
    require(warmupS >= 0, "--warmup-s must not be negative");
    require(
        packetMs >= PcmFrames.FRAME_MS && packetMs % PcmFrames.FRAME_MS == 0,
        "--packet-ms must be a positive multiple of 20");
    require(settleMs >= 0 && drainMs >= 0, "--settle-ms and --drain-ms must not be negative");
    require(joinTimeoutMs >= 1, "--join-timeout-ms must be positive");
    require(secret == null || !secret.isEmpty(), "--secret must not be empty");
    require(!(ownershipDrill && control), "--ownership-drill and --control: give one of the two");
    require(
        !ownershipDrill || clusterDir != null,
        "--ownership-drill needs --cluster-dir (LOCAL_CLUSTER_DIR)");
    require(
        !ownershipDrill || secret != null,
        "--ownership-drill needs --secret (the cluster's PODIUM_JWT_SECRET)");
    require(killInstance >= 1, "--kill-instance counts from 1");
    require(
        hostGraceMs >= 1 && freezeMs > hostGraceMs,
        "--freeze-ms must be longer than --host-grace-ms (the frozen owner's grace timer must be overdue when it wakes)");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Parses {@code args}; throws {@link IllegalArgumentException} with a message for the user. */
  public static BenchOptions parse(String... args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("expected --option, got '" + arg + "'");
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (FLAGS.contains(key)) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + key + " needs a value");
      }
      if (!FLAGS.contains(key) && !KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
      String before = values.put(key, value);
      if (before != null) {
        if (!REPEATABLE.contains(key)) {
          throw new IllegalArgumentException("--" + key + " given twice");
        }
        values.put(key, before + "," + value);
      }
    }
    List<URI> bases = new ArrayList<>();
    for (String b : list(values.getOrDefault("base", "ws://127.0.0.1:8000"))) {
      bases.add(URI.create(stripSlash(b)));
    }
    List<URI> metrics = new ArrayList<>();
    for (String h : list(values.getOrDefault("gateway-metrics", ""))) {
      metrics.add(URI.create(h));
    }
    List<Long> pids = new ArrayList<>();
    for (String p : list(values.getOrDefault("server-pid", ""))) {
      pids.addAll(pids("server-pid", p));
    }
    Map<String, List<Long>> named = namedPids(values.get("pid"));
    long[] stay = range(values.getOrDefault("stay-ms", "1000-5000"));
    if (values.containsKey("ramp-ms") && values.containsKey("join-rate")) {
      throw new IllegalArgumentException("--ramp-ms and --join-rate: give one of the two");
    }
    double joinRate = doubleValue(values, "join-rate", 0);
    int listeners = intValue(values, "listeners", 100);
    long rampMs =
        joinRate > 0 ? JoinPacing.rampMs(listeners, joinRate) : longValue(values, "ramp-ms", 5000);
    String label =
        bases.stream()
            .map(b -> b.getHost() + ":" + b.getPort())
            .reduce((a, b) -> a + "," + b)
            .orElse("");
    return new BenchOptions(
        bases,
        listeners,
        rampMs,
        intValue(values, "duration-s", 30),
        intValue(values, "warmup-s", 2),
        intValue(values, "packet-ms", PcmFrames.FRAME_MS),
        values.get("secret"),
        pids,
        flag(values, "json"),
        values.getOrDefault("label", label),
        longValue(values, "settle-ms", 2000),
        longValue(values, "drain-ms", 2000),
        longValue(values, "join-timeout-ms", 15000),
        values.getOrDefault(
            "host-id", "bench-host-" + UUID.randomUUID().toString().substring(0, 8)),
        values.get("subprotocol"),
        values.get("listener-query"),
        intValue(values, "reconnect-attempts", 10),
        metrics,
        flag(values, "help"),
        intValue(values, "rooms", 1),
        joinRate,
        flag(values, "cold"),
        flag(values, "heap-after-gc"),
        flag(values, "control"),
        intValue(values, "events", flag(values, "ownership-drill") ? 300 : 10),
        stay[0],
        stay[1],
        intValue(values, "stage-pct", 10),
        intValue(values, "chat-pct", 0),
        named,
        flag(values, "ownership-drill"),
        values.get("cluster-dir"),
        longValue(values, "freeze-ms", 15_000),
        longValue(values, "host-grace-ms", 12_000),
        intValue(values, "kill-instance", 1));
  }

  /** Every pid to read as the server: --server-pid and all of --pid's, in that order, each once. */
  public List<Long> allServerPids() {
    LinkedHashSet<Long> all = new LinkedHashSet<>(serverPids);
    namedPids.values().forEach(all::addAll);
    return List.copyOf(all);
  }

  /** The user id of room k's host: the --host-id itself with one room, else with {@code -r<k>}. */
  public String hostId(int room) {
    return rooms == 1 && !control && !ownershipDrill ? hostId : hostId + "-r" + room;
  }

  /** {@code NAME=PID[,PID...]} entries separated by commas: a bare pid continues the last name. */
  static Map<String, List<Long>> namedPids(String value) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    String name = null;
    for (String entry : list(value)) {
      int eq = entry.indexOf('=');
      String pid = entry;
      if (eq >= 0) {
        name = entry.substring(0, eq).trim();
        pid = entry.substring(eq + 1);
        if (name.isEmpty()) {
          throw new IllegalArgumentException("--pid needs NAME=PID, got '" + entry + "'");
        }
      } else if (name == null) {
        throw new IllegalArgumentException("--pid needs NAME=PID, got '" + entry + "'");
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).addAll(pids("pid", pid));
    }
    return out;
  }

  /**
   * One pid, or {@code pgid:N}: every process in process group N when the options are read (a
   * server started with {@code setsid}, or a script's whole job).
   */
  static List<Long> pids(String option, String value) {
    String v = value.trim();
    if (v.startsWith("pgid:")) {
      long pgid = longValue(Map.of(option, v.substring(5)), option, 0);
      List<Long> group = ProcStats.processGroup(pgid);
      if (group.isEmpty()) {
        throw new IllegalArgumentException("--" + option + " " + v + ": no process in that group");
      }
      return group;
    }
    return List.of(longValue(Map.of(option, v), option, 0));
  }

  /** {@code MIN-MAX} (or one number for both). */
  private static long[] range(String value) {
    String[] parts = value.trim().split("-", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("--stay-ms must be MIN-MAX, got '" + value + "'");
    }
    long min = longValue(Map.of("stay-ms", parts[0]), "stay-ms", 0);
    long max = parts.length == 2 ? longValue(Map.of("stay-ms", parts[1]), "stay-ms", 0) : min;
    return new long[] {min, max};
  }

  private static double doubleValue(Map<String, String> values, String key, double fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(
            "--" + key + " must be a positive number, got '" + v + "'");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + key + " must be a positive number, got '" + v + "'");
    }
  }

  /** The first server pid, or null when none was given. */
  public Long serverPid() {
    return serverPids.isEmpty() ? null : serverPids.get(0);
  }

  /** The first base URL: the host's, and the only one in a single-gateway run. */
  public URI base() {
    return bases.get(0);
  }

  /** Path prefix of the first base URL (usually empty). */
  public String basePath() {
    return basePath(0);
  }

  /** Path prefix of base URL {@code i} (usually empty). */
  public String basePath(int i) {
    String path = bases.get(i).getRawPath();
    return path == null ? "" : path;
  }

  /** The comma-separated entries of an option's value, blanks dropped. */
  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** 20 ms frames per host message. */
  public int framesPerPacket() {
    return packetMs / PcmFrames.FRAME_MS;
  }

  /** Host messages sent while measuring. */
  public int packets() {
    return (int) ((long) durationS * 1000 / packetMs);
  }

  /** Host messages sent before measuring starts. */
  public int warmupPackets() {
    return (int) ((long) warmupS * 1000 / packetMs);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean flag(Map<String, String> values, String key) {
    String v = values.get(key);
    if (v == null) {
      return false;
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException("--" + key + " takes no value (or =true/=false), got " + v);
  }

  private static int intValue(Map<String, String> values, String key, int fallback) {
    long v = longValue(values, key, fallback);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new IllegalArgumentException("--" + key + " is out of range: " + v);
    }
    return (int) v;
  }

  private static long longValue(Map<String, String> values, String key, long fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a whole number, got '" + v + "'");
    }
  }
}
