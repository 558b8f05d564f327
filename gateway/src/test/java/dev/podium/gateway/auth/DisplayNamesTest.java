package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisplayNamesTest {
  @Test
  void ordinaryNamesPassNormalised() {
    assertEquals("Alice", DisplayNames.normalise("Alice"));
    assertEquals("Zoë Ørsted", DisplayNames.normalise("  Zoe\u0308 \u00A0  Ørsted "));
    assertEquals("李小龍 🎤", DisplayNames.normalise("李小龍 🎤"));
    assertEquals("x".repeat(64), DisplayNames.normalise("x".repeat(64)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\u0000b",
        "a\rb",
        "a\nb",
        "a\tb",
        "\u202Eevil",
        "a\u2066b",
        "\u200B",
        "\u200B\u200C",
        "ho\u200Bst",
        "\uFEFFname",
        "a\u2028b",
        "\u00AD",
        "a\uD800b"
      })
  void invisibleAndControlCharactersAreRefused(String raw) {
    DisplayNames.InvalidName e =
        assertThrows(DisplayNames.InvalidName.class, () -> DisplayNames.normalise(raw));
    assertTrue(e.getMessage().contains("U+"), e.getMessage());
  }

  @Test
  void blankLongAndMissingNamesAreRefused() {
    assertThrows(DisplayNames.InvalidName.class, () -> DisplayNames.normalise(""));
    assertThrows(DisplayNames.InvalidName.class, () -> DisplayNames.normalise(" \u3000 "));
    assertThrows(DisplayNames.InvalidName.class, () -> DisplayNames.normalise(null));
    assertTrue(
        assertThrows(DisplayNames.InvalidName.class, () -> DisplayNames.normalise("n".repeat(3500)))
            .getMessage()
            .contains("3500"));
    assertThrows(DisplayNames.InvalidName.class, () -> DisplayNames.normalise("x".repeat(65)));
  }

  @Test
  void aTokenNameThatIsMissingOrInvalidFallsBack() {
    assertEquals("u1", DisplayNames.normaliseOr(null, "u1"));
    assertEquals("u1", DisplayNames.normaliseOr("\u202E", "u1"));
    assertEquals("Bob", DisplayNames.normaliseOr(" Bob ", "u1"));
  }

  @Test
  void lookalikesOfANameShareItsKey() {
    String host = DisplayNames.lookalikeKey("The Host");
    assertEquals(host, DisplayNames.lookalikeKey("the host"));
    assertEquals(host, DisplayNames.lookalikeKey("THEHOST"));
    assertEquals(host, DisplayNames.lookalikeKey("Ｔｈｅ Ｈｏｓｔ"));
    assertNotEquals(host, DisplayNames.lookalikeKey("The Hosts"));
  }

  @Test
  void userIdsWithControlCharactersOrAbsurdLengthsAreRefused() {
    assertTrue(UserIds.problem("user-42").isEmpty());
    assertTrue(UserIds.problem("a\r\nb").isPresent());
    assertTrue(UserIds.problem("a\u0000").isPresent());
    assertTrue(UserIds.problem("\u202Eb").isPresent());
    assertTrue(UserIds.problem(" ").isPresent());
    assertTrue(UserIds.problem("u".repeat(129)).isPresent());
    assertTrue(UserIds.isGuest("guest:7"));
  }
}
