package dev.podium.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * Hostile values in log fields and message arguments, logged through Podium's own logback.xml (both
 * formats), with the console captured: a readable log stays one line per call with the characters
 * escaped, and a JSON log stays one valid JSON object per line with the values intact.
 */
class LogEscapingTest {
  /**
   * A user id an attacker might choose: a forged second line, NUL, a terminal escape, a bidi
   * override.
   */
  private static final String HOSTILE =
      "eve\r\n12:00:00.000 INFO  [main] RoomServiceImpl event_id=\"x\" - event ended\u0000"
          + "\u001b[2J\u202egnp.exe\u2028end\t\"quoted\" back\\slash";

  @Test
  void readableLinesEscapeEveryControlAndBidiCharacter() throws Exception {
    List<String> lines = logThroughConfig("false");
    assertEquals(2, lines.size(), "one line per call: " + lines);
    String line = lines.get(0);
    assertTrue(
        line.contains(
            "user_id=\"eve\\r\\n12:00:00.000 INFO  [main] RoomServiceImpl event_id=\\\"x\\\" - event ended"
                + "\\u0000\\u001b[2J\\u202egnp.exe\\u2028end\\t\\\"quoted\\\" back\\\\slash\""),
        line);
    assertTrue(
        line.endsWith(
            "- joined as eve\\r\\n12:00:00.000 INFO  [main] RoomServiceImpl event_id=\"x\" - event ended"
                + "\\u0000\\u001b[2J\\u202egnp.exe\\u2028end\\t\"quoted\" back\\slash"),
        line);
    for (String l : lines) {
      assertTrue(
          l.chars().noneMatch(c -> LogEscaping.unsafe((char) c)), "nothing unsafe left: " + l);
    }
    assertTrue(
        lines.get(1).endsWith("event_id=\"ev-1\" - plain message stays plain"), lines.get(1));
  }

  @Test
  void jsonLinesStayValidJsonWithTheValuesIntact() throws Exception {
    List<String> lines = logThroughConfig("true");
    assertEquals(2, lines.size(), "one line per call: " + lines);
    JsonObject first = new JsonObject(lines.get(0));
    assertEquals("joined as " + HOSTILE, first.getString("formattedMessage"));
    JsonObject fields = new JsonObject();
    first.getJsonArray("kvpList").forEach(kv -> fields.mergeIn((JsonObject) kv));
    assertEquals(HOSTILE, fields.getString("user_id"));
    assertEquals("ev-1", fields.getString("event_id"));
    assertEquals(
        "plain message stays plain", new JsonObject(lines.get(1)).getString("formattedMessage"));
  }

  @Test
  void safeTextIsReturnedAsItIs() {
    String plain = "Zoë 🎙 joined — «live» \\ \"x\"";
    assertSame(plain, LogEscaping.escape(plain));
    assertEquals(
        "a\\u0000b\\u007fc\\u0085d\\u2029e\\u2066f",
        LogEscaping.escape("a\u0000b\u007fc\u0085d\u2029e\u2066f"));
    assertFalse(LogEscaping.unsafe('é'));
  }

  /**
   * Logs two events through logback.xml in the given PODIUM_LOG_JSON mode; returns the console
   * lines.
   */
  private static List<String> logThroughConfig(String json) throws Exception {
    String previous = System.getProperty("PODIUM_LOG_JSON");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      System.setProperty("PODIUM_LOG_JSON", json);
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogEscapingTest.class.getResource("/logback.xml"));
      assertTrue(
          new StatusUtil(context).getHighestLevel(0) < Status.ERROR,
          "logback.xml loads cleanly: " + context.getStatusManager().getCopyOfStatusList());
      // The console appender the configuration chose, writing to this buffer instead.
      ((OutputStreamAppender<?>)
              context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("LOG_" + json))
          .setOutputStream(captured);
      Logger log = context.getLogger("dev.podium.test");
      log.atInfo()
          .addKeyValue("event_id", "ev-1")
          .addKeyValue("user_id", HOSTILE)
          .log("joined as {}", HOSTILE);
      log.atInfo().addKeyValue("event_id", "ev-1").log("plain message stays plain");
    } finally {
      context.stop();
      if (previous == null) {
        System.clearProperty("PODIUM_LOG_JSON");
      } else {
        System.setProperty("PODIUM_LOG_JSON", previous);
      }
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.endsWith("\n"), "captured: [" + out + "]");
    return List.of(out.substring(0, out.length() - 1).split("\n", -1));
  }
}
