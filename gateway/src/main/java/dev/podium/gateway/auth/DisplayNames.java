package dev.podium.gateway.auth;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one place that decides what a display name may be. A name is Unicode NFC, has no control
 * (Cc), format (Cf: zero-width characters, bidi embeddings, overrides and isolates, BOM),
 * line/paragraph separator or unpaired surrogate character, has its runs of white space collapsed
 * to one space, is trimmed, is not blank and has at most {@value #MAX_CODE_POINTS} code points.
 *
 * <p>Invalid names are refused, not repaired: stripping invisible characters would turn {@code
 * "ho\u200Bst"} into {@code "host"}, and a name someone padded with bidi overrides is not one to
 * show others in any form.
 */
public final class DisplayNames {
  public static final int MAX_CODE_POINTS = 64;

  private DisplayNames() {}

  /** A refused name, with a reason a person can act on. */
  public static final class InvalidName extends RuntimeException {
    public InvalidName(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The normalised name, or an {@link InvalidName} saying why it cannot be one. */
  public static String normalise(String raw) {
    if (raw == null) {
      throw new InvalidName("no name was given");
    }
    for (int i = 0; i < raw.length(); ) {
      int cp = raw.codePointAt(i);
      if (forbidden(cp)) {
        throw new InvalidName(
            String.format("the name contains the invisible or control character U+%04X", cp));
      }
      i += Character.charCount(cp);
    }
    String name = Normalizer.normalize(raw, Normalizer.Form.NFC);
    StringBuilder collapsed = new StringBuilder(name.length());
    boolean inSpace = false;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        inSpace = true;
        continue;
      }
      if (inSpace && collapsed.length() > 0) {
        collapsed.append(' ');
      }
      inSpace = false;
      collapsed.appendCodePoint(cp);
    }
    // Dropping white space can leave a combining mark next to a new base: compose again.
    name = Normalizer.normalize(collapsed, Normalizer.Form.NFC);
    if (name.isEmpty()) {
      throw new InvalidName("the name is blank");
    }
    int count = name.codePointCount(0, name.length());
    if (count > MAX_CODE_POINTS) {
      throw new InvalidName(
          "the name is " + count + " characters long; at most " + MAX_CODE_POINTS + " are allowed");
    }
    return name;
  }

  /**
   * The name, normalised; or {@code fallback} when it is missing or invalid (a token's name claim).
   */
  public static String normaliseOr(String raw, String fallback) {
    try {
      return normalise(raw);
    } catch (InvalidName e) {
      return fallback;
    }
  }

  /**
   * What two names are compared by to decide whether they look the same: compatibility forms folded
   * (NFKC: full-width letters, ligatures), case folded, white space removed.
   */
  public static String lookalikeKey(String name) {
    String folded =
        Normalizer.normalize(name, Normalizer.Form.NFKC)
            .toUpperCase(Locale.ROOT)
            .toLowerCase(Locale.ROOT);
    return Normalizer.normalize(folded, Normalizer.Form.NFKC).replaceAll("[\\s\\p{Z}]+", "");
  }

  /** True for code points no name or user id may contain. */
  static boolean forbidden(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
        return true;
      default:
        // Bidi controls and zero-width characters are all FORMAT in current Unicode; listed so a
        // future reclassification cannot let them through.
        return (cp >= 0x200B && cp <= 0x200F)
            || (cp >= 0x202A && cp <= 0x202E)
            || (cp >= 0x2060 && cp <= 0x2069)
            || cp == 0xFEFF;
    }
  }
}
