package dev.podium.runtime.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %kvp} for readable logs: {@code event_id="..." user_id="..."}, each value quoted with its
 * unsafe characters escaped, and its quotes and backslashes too, so a value can neither end the
 * line nor pass for another field.
 */
public final class EscapedKeyValueConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null || pairs.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (KeyValuePair pair : pairs) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(LogEscaping.escape(pair.key))
          .append("=\"")
          .append(
              LogEscaping.escape(
                  String.valueOf(pair.value).replace("\\", "\\\\").replace("\"", "\\\"")))
          .append('"');
    }
    return out.toString();
  }
}
