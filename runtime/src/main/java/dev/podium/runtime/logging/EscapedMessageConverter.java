package dev.podium.runtime.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %msg} for readable logs, with the arguments' (and the message's) unsafe characters
 * escaped.
 */
public final class EscapedMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return LogEscaping.escape(super.convert(event));
  }
}
