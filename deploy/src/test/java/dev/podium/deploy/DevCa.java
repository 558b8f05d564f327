package dev.podium.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by deploy/make-dev-ca.sh (openssl) into a test's directory, as an operator
 * would.
 */
final class DevCa {
  private DevCa() {}

  /**
   * Makes (or reuses) the CA in {@code dir} and a certificate and key for {@code node}; returns its
   * settings.
   */
  static Map<String, String> node(Path dir, String node, String... names)
      throws IOException, InterruptedException {
    Path script = Path.of("make-dev-ca.sh");
    if (!Files.isRegularFile(script)) {
      script = Path.of("deploy", "make-dev-ca.sh");
    }
    List<String> command =
        new ArrayList<>(List.of("bash", script.toAbsolutePath().toString(), dir.toString(), node));
    command.addAll(List.of(names));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("make-dev-ca.sh failed: " + out);
    }
    return Map.of(
        "PODIUM_CLUSTER_TLS_CERT", dir.resolve(node + ".crt").toString(),
        "PODIUM_CLUSTER_TLS_KEY", dir.resolve(node + ".key").toString(),
        "PODIUM_CLUSTER_TLS_CA", dir.resolve("ca.crt").toString());
  }
}
