package dev.podium.runtime;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Tells logback.xml which appender to use: {@code "true"} (JSON lines) when {@code PODIUM_LOG_JSON}
 * is true in any usual spelling (true, 1, yes), {@code "false"} (readable lines) for anything else,
 * so that a typo never silences the logs.
 */
public final class LogFormat extends PropertyDefinerBase {
  @Override
  public String getPropertyValue() {
    String value = System.getenv("PODIUM_LOG_JSON");
    if (value == null) {
      value = System.getProperty("PODIUM_LOG_JSON", "");
    }
    switch (value.trim().toLowerCase()) {
      case "true":
      case "1":
      case "yes":
        return "true";
      default:
        return "false";
    }
  }
}
