package dev.podium.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database settings: an external PostgreSQL named either way, its secrets, and bad values. */
class HistoryConfigTest {
  @TempDir Path dir;

  @Test
  void withoutAUrlTheDatabaseIsEmbeddedInTheDataFolder() {
    HistoryConfig config =
        HistoryConfig.from(Settings.of(Map.of("PODIUM_DATA_DIR", "/srv/podium")));
    assertTrue(config.external().isEmpty());
    assertEquals(Path.of("/srv/podium"), config.dataDir());
    assertEquals(200_000, config.bufferLimit());
  }

  @Test
  void anExternalDatabaseIsNamedAsAUriOrAJdbcUrl() {
    for (String url :
        new String[] {
          "postgresql://db.internal:6543/podium", "jdbc:postgresql://db.internal:6543/podium"
        }) {
      HistoryConfig.ExternalDatabase db =
          HistoryConfig.from(
                  Settings.of(
                      Map.of(
                          "PODIUM_DB_URL",
                          url,
                          "PODIUM_DB_USER",
                          "pod",
                          "PODIUM_DB_PASSWORD",
                          "s3cret")))
              .external()
              .orElseThrow();
      DatabaseAddress address = DatabaseAddress.of(db.url(), db.user(), db.password());
      assertEquals("db.internal", address.options().getHost());
      assertEquals(6543, address.options().getPort());
      assertEquals("podium", address.options().getDatabase());
      assertEquals("pod", address.options().getUser());
      assertEquals("s3cret", address.options().getPassword());
      assertEquals("jdbc:postgresql://db.internal:6543/podium", address.jdbcUrl());
      assertTrue(!db.toString().contains("s3cret"), "the password is never printed");
    }
  }

  @Test
  void aUrlWithoutUserMeansPostgresWithoutAPasswordAndTheUrlsOwnUserIsKept() {
    DatabaseAddress plain = DatabaseAddress.of("postgresql://127.0.0.1:5432/podium", null, null);
    assertEquals("postgres", plain.options().getUser());
    assertEquals("", plain.options().getPassword());
    DatabaseAddress withUser =
        DatabaseAddress.of("postgresql://ann:pw@127.0.0.1:5432/podium", null, null);
    assertEquals("ann", withUser.options().getUser());
    assertEquals("pw", withUser.options().getPassword());
  }

  @Test
  void thePasswordMayComeFromAFile() throws Exception {
    Path secret = dir.resolve("db-password");
    Files.writeString(secret, "from-a-file\n");
    HistoryConfig config =
        HistoryConfig.from(
            Settings.of(
                Map.of(
                    "PODIUM_DB_URL",
                    "postgresql://db/podium",
                    "PODIUM_DB_PASSWORD_FILE",
                    secret.toString())));
    assertEquals("from-a-file", config.external().orElseThrow().password());
  }

  @Test
  void badSettingsStopTheStartNamingTheSetting() {
    assertRefused("PODIUM_DB_URL", Map.of("PODIUM_DB_URL", "mysql://db/podium"));
    assertRefused("PODIUM_DB_URL", Map.of("PODIUM_DB_URL", "postgresql://db:5432"));
    assertRefused(
        "PODIUM_DB_PASSWORD_FILE",
        Map.of(
            "PODIUM_DB_URL",
            "postgresql://db/p",
            "PODIUM_DB_PASSWORD",
            "a",
            "PODIUM_DB_PASSWORD_FILE",
            "/x"));
    assertRefused(
        "PODIUM_DB_PASSWORD_FILE",
        Map.of(
            "PODIUM_DB_URL",
            "postgresql://db/p",
            "PODIUM_DB_PASSWORD_FILE",
            dir.resolve("missing").toString()));
    assertRefused("PODIUM_HISTORY_BUFFER", Map.of("PODIUM_HISTORY_BUFFER", "5"));
    assertRefused("PODIUM_HISTORY_BATCH", Map.of("PODIUM_HISTORY_BATCH", "0"));
    assertRefused("PODIUM_DB_POOL", Map.of("PODIUM_DB_POOL", "1000"));
  }

  private static void assertRefused(String setting, Map<String, String> values) {
    Settings.InvalidSettingException e =
        assertThrows(
            Settings.InvalidSettingException.class, () -> HistoryConfig.from(Settings.of(values)));
    assertTrue(e.getMessage().contains(setting), e.getMessage());
  }
}
