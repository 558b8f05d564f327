package dev.podium.bench;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The load generator's command line: {@code --key value} pairs and two flags. */
public record BenchOptions(
    URI base,
    int listeners,
    long rampMs,
    int durationS,
    int warmupS,
    int packetMs,
    String secret,
    Long serverPid,
    boolean json,
    String label,
    long settleMs,
    long drainMs,
    long joinTimeoutMs,
    String hostId,
    String subprotocol,
    String listenerQuery,
    boolean help) {

  public static final String USAGE = """
      usage: java -jar bench/target/podium-bench.jar [options]

      One host streams 20 ms PCM frames (48 kHz mono s16le, sequence-marked) to N listeners
      through a Podium gateway or the floor server, and reports loss, end-to-end latency, join
      time and the server's CPU and memory.

        --base URL            server to test, ws://host:port            (ws://127.0.0.1:8000)
        --listeners N         listeners to connect                      (100)
        --ramp-ms MS          listeners join evenly over this time      (5000)
        --duration-s S        how long the host streams, measured       (30)
        --warmup-s S          streaming before that, not measured (JIT)  (2)
        --packet-ms MS        audio per host message, multiple of 20    (20)
        --secret S            HS256 secret to sign tokens with (Podium's PODIUM_JWT_SECRET);
                              without it no token is sent (the floor server needs none)
        --server-pid PID      sample /proc/PID for the server's CPU and RSS
        --label NAME          name of this target in the report         (host:port)
        --settle-ms MS        pause between the last join and the first frame (2000)
        --drain-ms MS         wait after the last frame before counting  (2000)
        --join-timeout-ms MS  a listener without its first message by then counts as failed (15000)
        --host-id ID          the host's user id                        (bench-host-<random>)
        --subprotocol P       WebSocket subprotocol listeners ask for (e.g. podium.v1)
        --listener-query Q    extra query for listener URLs (e.g. codec=opus)
        --json                also print the result as one JSON line
        --help                print this and exit
      """;

  private static final Set<String> FLAGS = Set.of("json", "help");
  private static final Set<String> KEYS = Set.of("base", "listeners", "ramp-ms", "duration-s", "warmup-s", "packet-ms",
      "secret", "server-pid", "label", "settle-ms", "drain-ms", "join-timeout-ms", "host-id", "subprotocol",
      "listener-query");

  public BenchOptions {
    if (!"ws".equals(base.getScheme()) || base.getHost() == null || base.getPort() <= 0) {
      throw new IllegalArgumentException("--base must look like ws://host:port, got " + base);
    }
    require(listeners >= 1, "--listeners must be at least 1");
    require(rampMs >= 0, "--ramp-ms must not be negative");
    require(durationS >= 1, "--duration-s must be at least 1");
    require(warmupS >= 0, "--warmup-s must not be negative");
    require(packetMs >= PcmFrames.FRAME_MS && packetMs % PcmFrames.FRAME_MS == 0,
        "--packet-ms must be a positive multiple of 20");
    require(settleMs >= 0 && drainMs >= 0, "--settle-ms and --drain-ms must not be negative");
    require(joinTimeoutMs >= 1, "--join-timeout-ms must be positive");
    require(secret == null || !secret.isEmpty(), "--secret must not be empty");
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
      if (values.put(key, value) != null) {
        throw new IllegalArgumentException("--" + key + " given twice");
      }
    }
    URI base = URI.create(stripSlash(values.getOrDefault("base", "ws://127.0.0.1:8000")));
    String serverPid = values.get("server-pid");
    return new BenchOptions(
        base,
        intValue(values, "listeners", 100),
        longValue(values, "ramp-ms", 5000),
        intValue(values, "duration-s", 30),
        intValue(values, "warmup-s", 2),
        intValue(values, "packet-ms", PcmFrames.FRAME_MS),
        values.get("secret"),
        serverPid == null ? null : longValue(values, "server-pid", 0),
        flag(values, "json"),
        values.getOrDefault("label", base.getHost() + ":" + base.getPort()),
        longValue(values, "settle-ms", 2000),
        longValue(values, "drain-ms", 2000),
        longValue(values, "join-timeout-ms", 15000),
        values.getOrDefault("host-id", "bench-host-" + UUID.randomUUID().toString().substring(0, 8)),
        values.get("subprotocol"),
        values.get("listener-query"),
        flag(values, "help"));
  }

  /** Path prefix of the base URL (usually empty). */
  public String basePath() {
    return base.getRawPath() == null ? "" : base.getRawPath();
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
