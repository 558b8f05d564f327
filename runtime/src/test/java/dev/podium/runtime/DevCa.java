package dev.podium.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs deploy/make-dev-ca.sh (openssl) into a test's directory: the files an operator would make.
 */
final class DevCa {
  private DevCa() {}

  static Path script() {
    for (Path p :
        List.of(Path.of("deploy", "make-dev-ca.sh"), Path.of("..", "deploy", "make-dev-ca.sh"))) {
      if (Files.isRegularFile(p)) {
        return p.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "deploy/make-dev-ca.sh not found from " + Path.of("").toAbsolutePath());
  }

  /** Makes (or reuses) the CA in {@code dir} and a certificate and key for {@code node}. */
  static void make(Path dir, String node, String... names)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("bash", script().toString(), dir.toString(), node));
    command.addAll(List.of(names));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("make-dev-ca.sh failed: " + out);
    }
  }
}
