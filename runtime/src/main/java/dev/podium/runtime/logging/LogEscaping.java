package dev.podium.runtime.logging;

/**
 * Makes text safe for a readable log line: characters that could start a new line, move the cursor,
 * or hide or reorder text on an operator's terminal are written as escapes ({@code \r}, {@code \n},
 * {@code \t}, otherwise {@code \}{@code uXXXX}), so a user id, name or any other value from a
 * client can never forge a log line. Everything else is kept as it is.
 */
public final class LogEscaping {
  private LogEscaping() {}

  /** The text with every unsafe character escaped; the same instance when there is none. */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = firstUnsafe(text);
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!unsafe(c)) {
        out.append(c);
        continue;
      }
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static int firstUnsafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (unsafe(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * C0 and C1 controls (NUL, CR, LF, ESC, NEL, DEL, ...), the Unicode line and paragraph
   * separators, and the bidirectional marks, embeddings, overrides and isolates.
   */
  static boolean unsafe(char c) {
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return true;
    }
    return c == '\u2028'
        || c == '\u2029'
        || c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
