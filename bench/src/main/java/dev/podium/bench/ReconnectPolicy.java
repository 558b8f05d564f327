package dev.podium.bench;

import io.vertx.core.json.JsonObject;

/**
 * When and where a client whose socket went away tries again: the next base URL in the list
 * (rotating), after the gateway's {@code after_ms} when it sent one, else after a backoff of 250 ms
 * doubling up to 2 s; at most {@code maxAttempts} attempts in a row.
 */
final class ReconnectPolicy {
  static final long FIRST_BACKOFF_MS = 250;
  static final long MAX_BACKOFF_MS = 2_000;

  private final int maxAttempts;

  ReconnectPolicy(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  /** Whether attempt {@code attempt} (0 for the first after a close) may be made. */
  boolean mayTry(int attempt) {
    return attempt < maxAttempts;
  }

  /** The base to try after {@code current}, of {@code count}. */
  static int nextBase(int current, int count) {
    return (current + 1) % count;
  }

  /**
   * Milliseconds to wait before attempt {@code attempt} (0-based): what is left of the gateway's
   * {@code after_ms} for the first attempt when it sent one ({@code afterMsLeft} ≥ 0), else the
   * backoff.
   */
  static long delayMs(int attempt, long afterMsLeft) {
    if (attempt == 0 && afterMsLeft >= 0) {
      return afterMsLeft;
    }
    long backoff = FIRST_BACKOFF_MS << Math.min(attempt, 16);
    return Math.min(backoff, MAX_BACKOFF_MS);
  }

  /**
   * The {@code after_ms} of a {@code {"type":"reconnect"}} message, 0 when it has none or it is not
   * a number; -1 when {@code text} is anything else.
   */
  static long reconnectAfterMs(String text) {
    if (!text.contains("\"reconnect\"")) {
      return -1;
    }
    try {
      JsonObject m = new JsonObject(text);
      if (!"reconnect".equals(m.getString("type"))) {
        return -1;
      }
      Object after = m.getValue("after_ms");
      return after instanceof Number n ? Math.max(0, n.longValue()) : 0;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Whether {@code text} is the event's end ({@code stream_ended}): then nobody reconnects. */
  static boolean isStreamEnded(String text) {
    if (!text.contains("\"stream_ended\"")) {
      return false;
    }
    try {
      return "stream_ended".equals(new JsonObject(text).getString("type"));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
