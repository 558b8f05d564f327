package dev.podium.runtime;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The raw {@code PODIUM_*} settings of one process: environment variables, over an optional JSON or
 * YAML file named by {@code PODIUM_CONFIG_FILE} whose keys are the same names. Each service reads
 * its typed configuration from here; a bad value fails start-up with a message naming the setting.
 */
public final class Settings {
  public static final String CONFIG_FILE = "PODIUM_CONFIG_FILE";

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Settings from the process environment and the optional file. */
  public static Settings load() {
    return from(System.getenv());
  }

  /** Settings from the given environment (and the file it names, if any). */
  public static Settings from(Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>();
    String file = environment.get(CONFIG_FILE);
    if (file != null && !file.isBlank()) {
      merged.putAll(readFile(Path.of(file)));
    }
    environment.forEach(
        (k, v) -> {
          if (k.startsWith("PODIUM_")) {
            merged.put(k, v);
          }
        });
    return new Settings(merged);
  }

  /** Settings made of exactly these values (tests, embedded use). */
  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  /** A copy with some values replaced. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(overrides);
    return new Settings(merged);
  }

  public String string(String name, String fallback) {
    String v = values.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /** The value, or null when unset. */
  public String optional(String name) {
    return string(name, null);
  }

  public int integer(String name, int fallback, int min, int max) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(v);
      if (parsed < min || parsed > max) {
        throw new InvalidSettingException(
            name, "must be between " + min + " and " + max + ", got " + v);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(name, "must be a whole number, got '" + v + "'");
    }
  }

  /** A duration in milliseconds. */
  public Duration millis(String name, long fallbackMillis) {
    String v = optional(name);
    if (v == null) {
      return Duration.ofMillis(fallbackMillis);
    }
    try {
      long parsed = Long.parseLong(v);
      if (parsed < 0) {
        throw new InvalidSettingException(name, "must not be negative, got " + v);
      }
      return Duration.ofMillis(parsed);
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(name, "must be a number of milliseconds, got '" + v + "'");
    }
  }

  public boolean bool(String name, boolean fallback) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    switch (v.toLowerCase()) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new InvalidSettingException(name, "must be true or false, got '" + v + "'");
    }
  }

  private static Map<String, String> readFile(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new InvalidSettingException(CONFIG_FILE, "cannot read " + path + ": " + e.getMessage());
    }
    Map<String, String> out = new HashMap<>();
    String name = path.getFileName().toString().toLowerCase();
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      Object loaded = new Yaml().load(text);
      if (!(loaded instanceof Map<?, ?> map)) {
        throw new InvalidSettingException(
            CONFIG_FILE, path + " must hold a mapping of PODIUM_* names to values");
      }
      map.forEach(
          (k, v) -> {
            if (v != null) {
              out.put(String.valueOf(k), String.valueOf(v));
            }
          });
    } else {
      try {
        new JsonObject(text)
            .forEach(
                e -> {
                  if (e.getValue() != null) {
                    out.put(e.getKey(), String.valueOf(e.getValue()));
                  }
                });
      } catch (RuntimeException e) {
        throw new InvalidSettingException(
            CONFIG_FILE, path + " is not valid JSON: " + e.getMessage());
      }
    }
    return out;
  }

  /** Thrown for a missing or malformed setting; its message names the setting. */
  public static final class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(String name, String problem) {
      super(name + " " + problem);
    }
  }
}
