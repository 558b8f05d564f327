package dev.podium.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster started by {@code deploy/local-cluster.sh}, read from its state directory ({@code
 * LOCAL_CLUSTER_DIR}): the {@code instances} file (name, service, cluster port, ops port, HTTP port
 * or -), each instance's pid file and log. The drill reads each instance's {@code /metrics} and
 * log, and signals its process (only after checking that the pid is still that instance's JVM, as
 * the script does).
 */
final class LocalCluster {
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

  /** One instance; {@code log} follows its log file. */
  record Instance(
      String name,
      String service,
      int clusterPort,
      int opsPort,
      int httpPort,
      long pid,
      OwnershipLog log) {}

  private final Path dir;
  private final List<Instance> instances;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

  private LocalCluster(Path dir, List<Instance> instances) {
    this.dir = dir;
    this.instances = List.copyOf(instances);
  }

  /**
   * Reads the state directory; throws with a clear message when something the drill needs is
   * missing.
   */
  static LocalCluster read(Path dir) {
    Path file = dir.resolve("instances");
    List<String> rows;
    try {
      rows = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "no local cluster in " + dir + " (" + file + " unreadable: " + e.getMessage() + ")");
    }
    List<Instance> out = new ArrayList<>();
    for (String row : rows) {
      if (row.isBlank()) {
        continue;
      }
      String[] f = row.trim().split("\\s+");
      if (f.length != 5) {
        throw new IllegalStateException(
            file
                + ": expected 'name service cluster-port ops-port http-port|-', got '"
                + row
                + "'");
      }
      long pid;
      try {
        pid = Long.parseLong(Files.readString(dir.resolve(f[0] + ".pid")).trim());
      } catch (IOException | NumberFormatException e) {
        throw new IllegalStateException(
            f[0] + " has no readable pid file in " + dir + ": is the cluster running?");
      }
      out.add(
          new Instance(
              f[0],
              f[1],
              Integer.parseInt(f[2]),
              Integer.parseInt(f[3]),
              "-".equals(f[4]) ? -1 : Integer.parseInt(f[4]),
              pid,
              new OwnershipLog(dir.resolve(f[0] + ".log"))));
    }
    return new LocalCluster(dir, out);
  }

  Path dir() {
    return dir;
  }

  /** The instances of one service, in the file's order (room-service-1 first). */
  List<Instance> of(String service) {
    return instances.stream().filter(i -> i.service().equals(service)).toList();
  }

  List<Instance> all() {
    return instances;
  }

  /** Reads what every log gained since the last call. */
  void refreshLogs() {
    instances.forEach(i -> i.log().refresh());
  }

  /** Whether the instance's process still runs (and is not a zombie). */
  static boolean alive(Instance i) {
    return ProcessHandle.of(i.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Whether {@code pid} is still this instance's JVM ({@code -Dpodium.instance=<name>} on its
   * command line).
   */
  static boolean isInstance(Instance i) {
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + i.pid() + "/cmdline"));
      for (String arg : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
        if (arg.equals("-Dpodium.instance=" + i.name())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends {@code signal} (KILL, STOP, CONT) to these instances with one {@code kill} command. */
  static void signal(String signal, List<Instance> targets) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    for (Instance i : targets) {
      if (!isInstance(i)) {
        throw new IllegalStateException(
            "pid " + i.pid() + " is no longer " + i.name() + ": not signalling it");
      }
      command.add(String.valueOf(i.pid()));
    }
    try {
      Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed: "
                + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling", e);
    }
  }

  /** The instance's {@code /metrics} body, or null when it does not answer within 2 s. */
  String metrics(Instance i) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + i.opsPort() + "/metrics"))
            .timeout(HTTP_TIMEOUT)
            .GET()
            .build();
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      return resp.statusCode() == 200 ? resp.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * {@code podium_owned_events{service="<service>"}} of this instance now, or -1 when unreadable.
   */
  int ownedEvents(Instance i) {
    String body = metrics(i);
    Double v =
        body == null
            ? null
            : metric(body, "podium_owned_events", "service=\"" + i.service() + "\"");
    return v == null ? -1 : v.intValue();
  }

  /** {@code podium_cluster_members} as this instance sees it, or -1. */
  int clusterMembers(Instance i) {
    String body = metrics(i);
    Double v = body == null ? null : metric(body, "podium_cluster_members", null);
    return v == null ? -1 : v.intValue();
  }

  /**
   * The value of the first sample named {@code name} (with a label set containing {@code labels},
   * when given) in a Prometheus text body; null when there is none.
   */
  static Double metric(String body, String name, String labels) {
    for (String line : body.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      boolean labelled = rest.startsWith("{");
      if (!labelled && !rest.startsWith(" ")) {
        continue; // a longer name with this prefix
      }
      int close = labelled ? rest.indexOf('}') : -1;
      if (labels != null
          && (!labelled || close < 0 || !rest.substring(0, close).contains(labels))) {
        continue;
      }
      try {
        return Double.parseDouble(rest.substring(rest.lastIndexOf(' ') + 1).trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
