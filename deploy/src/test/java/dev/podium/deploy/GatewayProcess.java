package dev.podium.deploy;

import dev.podium.gateway.GatewayMain;
import dev.podium.runtime.Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in a JVM of its own, joined to a test cluster, that a test can kill with SIGKILL:
 * the honest way to see what the cluster does when a node dies without a word.
 */
final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private GatewayProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static GatewayProcess start(Settings cluster) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + "/bin/java");
    for (String opt : List.of("--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED")) {
      command.add(opt);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(GatewayMain.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("PODIUM_"));
    for (String name : List.of("PODIUM_CLUSTER_NAME", "PODIUM_CLUSTER_PORT", "PODIUM_JWT_SECRET")) {
      env.put(name, cluster.string(name, ""));
    }
    env.put("PODIUM_HTTP_PORT", String.valueOf(port));
    env.put("PODIUM_HTTP_HOST", "127.0.0.1");
    Process process = builder.start();
    GatewayProcess gateway = new GatewayProcess(process, port);
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          System.out.println("[gateway-process] " + line);
          if (line.contains("listening on port")) {
            listening.complete(null);
          }
        }
      } catch (IOException ignored) {
        // The process is gone.
      }
      listening.completeExceptionally(new IllegalStateException("gateway process exited before listening"));
    }, "gateway-process-output");
    reader.setDaemon(true);
    reader.start();
    try {
      listening.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      gateway.close();
      throw new IllegalStateException("gateway process did not start", e);
    }
    return gateway;
  }

  int port() {
    return port;
  }

  /** SIGKILL: no socket closes, no cluster goodbye. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
