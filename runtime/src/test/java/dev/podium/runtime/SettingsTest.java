package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings.InvalidSettingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static InvalidSettingException refused(Runnable read) {
    return assertThrows(InvalidSettingException.class, read::run);
  }

  // --- sources -------------------------------------------------------------------------------

  @Test
  void readsOnlyPodiumVariablesFromTheEnvironment() {
    Settings s =
        Settings.from(Map.of("PODIUM_HTTP_HOST", "127.0.0.2", "HOME", "/root", "PATH", "/bin"));
    assertEquals("127.0.0.2", s.optional("PODIUM_HTTP_HOST"));
    assertNull(s.optional("HOME"));
    assertNull(s.optional("PATH"));
  }

  @Test
  void environmentOverridesJsonFile() throws IOException {
    Path file =
        write(
            "podium.json",
            """
        {"PODIUM_CLUSTER_NAME": "from-file", "PODIUM_CLUSTER_PORT": 6000, "PODIUM_DEV": true}
        """);
    Settings s =
        Settings.from(
            Map.of(Settings.CONFIG_FILE, file.toString(), "PODIUM_CLUSTER_NAME", "from-env"));
    assertEquals("from-env", s.string("PODIUM_CLUSTER_NAME", "fallback"));
    assertEquals(6000, s.integer("PODIUM_CLUSTER_PORT", 5701, 1, 65535));
    assertTrue(s.bool("PODIUM_DEV", false));
  }

  @Test
  void environmentOverridesYamlFile() throws IOException {
    Path file =
        write(
            "podium.yaml",
            """
        PODIUM_CLUSTER_NAME: from-yaml
        PODIUM_CLUSTER_PORT: 6001
        PODIUM_HOST_GRACE_MS: 1500
        PODIUM_DEV: true
        """);
    Settings s =
        Settings.from(Map.of(Settings.CONFIG_FILE, file.toString(), "PODIUM_CLUSTER_PORT", "7000"));
    assertEquals("from-yaml", s.string("PODIUM_CLUSTER_NAME", "fallback"));
    assertEquals(7000, s.integer("PODIUM_CLUSTER_PORT", 5701, 1, 65535));
    assertEquals(Duration.ofMillis(1500), s.millis("PODIUM_HOST_GRACE_MS", 30_000));
    assertTrue(s.bool("PODIUM_DEV", false));
  }

  @Test
  void ymlExtensionIsYamlToo() throws IOException {
    Path file = write("podium.YML", "PODIUM_CLUSTER_NAME: yml\n");
    assertEquals(
        "yml",
        Settings.from(Map.of(Settings.CONFIG_FILE, file.toString()))
            .optional("PODIUM_CLUSTER_NAME"));
  }

  @Test
  void blankConfigFileVariableMeansNoFile() {
    Settings s = Settings.from(Map.of(Settings.CONFIG_FILE, "  ", "PODIUM_CLUSTER_NAME", "x"));
    assertEquals("x", s.optional("PODIUM_CLUSTER_NAME"));
  }

  @Test
  void missingFileIsRefusedNamingTheVariable() {
    String missing = dir.resolve("nope.json").toString();
    InvalidSettingException e = refused(() -> Settings.from(Map.of(Settings.CONFIG_FILE, missing)));
    assertTrue(e.getMessage().startsWith(Settings.CONFIG_FILE), e.getMessage());
    assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
  }

  @Test
  void malformedJsonIsRefusedNamingTheVariable() throws IOException {
    Path file = write("bad.json", "{\"PODIUM_DEV\": ");
    InvalidSettingException e =
        refused(() -> Settings.from(Map.of(Settings.CONFIG_FILE, file.toString())));
    assertTrue(e.getMessage().startsWith(Settings.CONFIG_FILE), e.getMessage());
  }

  @Test
  void yamlThatIsNotAMappingIsRefusedNamingTheVariable() throws IOException {
    Path file = write("list.yaml", "- PODIUM_DEV\n- true\n");
    InvalidSettingException e =
        refused(() -> Settings.from(Map.of(Settings.CONFIG_FILE, file.toString())));
    assertTrue(e.getMessage().startsWith(Settings.CONFIG_FILE), e.getMessage());
    assertTrue(e.getMessage().contains("mapping"), e.getMessage());
  }

  @Test
  void yamlKeyWithoutValueIsUnset() throws IOException {
    Path file = write("empty-value.yaml", "PODIUM_CLUSTER_NAME:\nPODIUM_DEV:\n");
    Settings s = Settings.from(Map.of(Settings.CONFIG_FILE, file.toString()));
    assertEquals("podium", s.string("PODIUM_CLUSTER_NAME", "podium"));
    assertFalse(s.bool("PODIUM_DEV", false));
  }

  @Test
  void jsonNullIsUnset() throws IOException {
    Path file = write("null.json", "{\"PODIUM_CLUSTER_PORT\": null}");
    Settings s = Settings.from(Map.of(Settings.CONFIG_FILE, file.toString()));
    assertEquals(5701, s.integer("PODIUM_CLUSTER_PORT", 5701, 1, 65535));
  }

  @Test
  void withReplacesValuesAndLeavesTheOriginalAlone() {
    Settings base = Settings.of(Map.of("PODIUM_A", "1", "PODIUM_B", "2"));
    Settings changed = base.with(Map.of("PODIUM_B", "3"));
    assertEquals("1", changed.optional("PODIUM_A"));
    assertEquals("3", changed.optional("PODIUM_B"));
    assertEquals("2", base.optional("PODIUM_B"));
  }

  // --- strings -------------------------------------------------------------------------------

  @Test
  void blankValuesFallBackAndValuesAreTrimmed() {
    Settings s = Settings.of(Map.of("PODIUM_A", "   ", "PODIUM_B", "  value \t"));
    assertEquals("fallback", s.string("PODIUM_A", "fallback"));
    assertNull(s.optional("PODIUM_A"));
    assertEquals("value", s.string("PODIUM_B", "fallback"));
    assertEquals("fallback", s.string("PODIUM_MISSING", "fallback"));
  }

  // --- integers ------------------------------------------------------------------------------

  @Test
  void integerParsesTrimmedValuesAndFallsBack() {
    Settings s = Settings.of(Map.of("PODIUM_N", " 42 ", "PODIUM_MIN", "1", "PODIUM_MAX", "100"));
    assertEquals(42, s.integer("PODIUM_N", 7, 1, 100));
    assertEquals(1, s.integer("PODIUM_MIN", 7, 1, 100));
    assertEquals(100, s.integer("PODIUM_MAX", 7, 1, 100));
    assertEquals(7, s.integer("PODIUM_UNSET", 7, 1, 100));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "4.5", "1e3", "99999999999", "12 34"})
  void integerRefusesNonNumbersNamingTheVariable(String value) {
    Settings s = Settings.of(Map.of("PODIUM_CHAT_HISTORY", value));
    InvalidSettingException e = refused(() -> s.integer("PODIUM_CHAT_HISTORY", 200, 0, 100_000));
    assertTrue(e.getMessage().startsWith("PODIUM_CHAT_HISTORY "), e.getMessage());
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "101", "-5"})
  void integerRefusesOutOfRangeNamingTheVariable(String value) {
    Settings s = Settings.of(Map.of("PODIUM_N", value));
    InvalidSettingException e = refused(() -> s.integer("PODIUM_N", 7, 1, 100));
    assertTrue(e.getMessage().startsWith("PODIUM_N "), e.getMessage());
    assertTrue(e.getMessage().contains("between 1 and 100"), e.getMessage());
  }

  // --- millis --------------------------------------------------------------------------------

  @Test
  void millisParsesAndFallsBack() {
    Settings s = Settings.of(Map.of("PODIUM_T", "250", "PODIUM_ZERO", "0"));
    assertEquals(Duration.ofMillis(250), s.millis("PODIUM_T", 1));
    assertEquals(Duration.ZERO, s.millis("PODIUM_ZERO", 1));
    assertEquals(Duration.ofMillis(30_000), s.millis("PODIUM_UNSET", 30_000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "1.5", "10s", "soon"})
  void millisRefusesBadValuesNamingTheVariable(String value) {
    Settings s = Settings.of(Map.of("PODIUM_HOST_GRACE_MS", value));
    InvalidSettingException e = refused(() -> s.millis("PODIUM_HOST_GRACE_MS", 30_000));
    assertTrue(e.getMessage().startsWith("PODIUM_HOST_GRACE_MS "), e.getMessage());
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  // --- booleans ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", "True", "1", "yes", "YES"})
  void boolTrueSpellings(String value) {
    assertTrue(Settings.of(Map.of("PODIUM_DEV", value)).bool("PODIUM_DEV", false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "FALSE", "0", "no", "No"})
  void boolFalseSpellings(String value) {
    assertFalse(Settings.of(Map.of("PODIUM_DEV", value)).bool("PODIUM_DEV", true));
  }

  @Test
  void boolFallsBackWhenUnset() {
    Settings s = Settings.of(Map.of());
    assertTrue(s.bool("PODIUM_DEV", true));
    assertFalse(s.bool("PODIUM_DEV", false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"maybe", "on", "2", "y"})
  void boolRefusesOtherValuesNamingTheVariable(String value) {
    Settings s = Settings.of(Map.of("PODIUM_ALLOW_GUESTS", value));
    InvalidSettingException e = refused(() -> s.bool("PODIUM_ALLOW_GUESTS", false));
    assertTrue(e.getMessage().startsWith("PODIUM_ALLOW_GUESTS "), e.getMessage());
    assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
  }
}
