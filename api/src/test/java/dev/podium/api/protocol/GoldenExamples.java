package dev.podium.api.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The checked-in golden examples: one pretty-printed JSON file per message type and direction
 * ({@code protocol/server/<type>.json}, {@code protocol/client/<type>.json}) and one error per code
 * ({@code protocol/error/<code>.json}), read from this module's test resources.
 */
public final class GoldenExamples {
  /** The directory holding {@code server/}, {@code client/} and {@code error/}. */
  public static final Path ROOT = locate();

  private GoldenExamples() {}

  /** File name without {@code .json} → the file's text, sorted by name. */
  public static Map<String, String> of(String direction) {
    Map<String, String> examples = new TreeMap<>();
    try (Stream<Path> files = Files.list(ROOT.resolve(direction))) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".json"))
          .forEach(
              f -> {
                String name = f.getFileName().toString();
                examples.put(name.substring(0, name.length() - ".json".length()), read(f));
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return examples;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    try {
      return Path.of(GoldenExamples.class.getResource("/protocol/server/error.json").toURI())
          .getParent()
          .getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
