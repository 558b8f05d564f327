package dev.podium.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Data folders (PODIUM_DATA_DIR) for the nodes and processes the tests start, each its own, under
 * the module's {@code target/podium-data}: {@code mvn clean} removes them.
 */
final class TestDataDirs {
  private static final Path ROOT = Path.of("target", "podium-data");

  private TestDataDirs() {}

  static String create(String name) {
    try {
      Files.createDirectories(ROOT);
      return Files.createTempDirectory(ROOT, name.replaceAll("[^A-Za-z0-9_-]", "_") + "-")
          .toAbsolutePath()
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
