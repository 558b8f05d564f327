package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any string given to the name normaliser gives a valid name (NFC, no forbidden character, 1–64
 * code points, no white space at the ends or in runs) or an {@link DisplayNames.InvalidName} with a
 * reason; never another exception. Normalising a normalised name changes nothing.
 */
class DisplayNamesPropertyTest {
  @Property(tries = 2000)
  void anyStringIsAValidNameOrAClearRefusal(@ForAll String raw) {
    check(raw);
  }

  @Property(tries = 2000)
  void trickyStringsTooAreAValidNameOrAClearRefusal(@ForAll("tricky") String raw) {
    check(raw);
  }

  private static void check(String raw) {
    String name;
    try {
      name = DisplayNames.normalise(raw);
    } catch (DisplayNames.InvalidName refused) {
      assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank());
      return;
    }
    assertTrue(Normalizer.isNormalized(name, Normalizer.Form.NFC), name);
    int count = name.codePointCount(0, name.length());
    assertTrue(count >= 1 && count <= DisplayNames.MAX_CODE_POINTS, "length " + count);
    assertFalse(name.codePoints().anyMatch(DisplayNames::forbidden), name);
    assertEquals(name.strip(), name);
    assertFalse(name.contains("  "), name);
    assertEquals(name, DisplayNames.normalise(name), "idempotent");
  }

  /**
   * Names built from the characters that matter: letters, combining marks, spaces of all kinds,
   * invisibles.
   */
  @Provide
  Arbitrary<String> tricky() {
    return Arbitraries.strings()
        .withChars("aAeEoZ ")
        .withChars(
            '\u0301', '\u0308', '\u0327', '\u00A0', '\u2007', '\u3000', '\u1E9B', '\u0323',
            '\u212B', '\uFB01')
        .withChars(
            '\u200B', '\u200D', '\u202E', '\u2066', '\uFEFF', '\u0000', '\n', '\u2028', '\uD83C',
            '\uDFA4')
        .withCharRange('\u0370', '\u03FF')
        .ofMaxLength(80);
  }
}
