package dev.podium.history;

import dev.podium.runtime.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * @param external the PostgreSQL to use ({@code PODIUM_DB_URL}, {@code PODIUM_DB_USER}, {@code
 *     PODIUM_DB_PASSWORD} or {@code PODIUM_DB_PASSWORD_FILE}); empty: start an embedded one
 * @param dataDir where the embedded PostgreSQL keeps its data ({@code PODIUM_DATA_DIR}, default
 *     {@code ./podium-data}; the database is in its {@code postgres} folder)
 * @param bufferLimit most records held while the database is behind or down ({@code
 *     PODIUM_HISTORY_BUFFER}); more are dropped and counted
 * @param batchSize most records written in one transaction ({@code PODIUM_HISTORY_BATCH})
 * @param poolSize connections to the database ({@code PODIUM_DB_POOL})
 */
public record HistoryConfig(
    Optional<ExternalDatabase> external,
    Path dataDir,
    int bufferLimit,
    int batchSize,
    int poolSize) {

  /** Where an external PostgreSQL is and who Podium is there. */
  public record ExternalDatabase(String url, String user, String password) {
    @Override
    public String toString() {
      return "ExternalDatabase[url=" + url + ", user=" + user + "]";
    }
  }

  public static HistoryConfig from(Settings settings) {
    String url = settings.optional("PODIUM_DB_URL");
    Optional<ExternalDatabase> external = Optional.empty();
    if (url != null) {
      String password = settings.optional("PODIUM_DB_PASSWORD");
      String passwordFile = settings.optional("PODIUM_DB_PASSWORD_FILE");
      if (password != null && passwordFile != null) {
        throw new Settings.InvalidSettingException(
            "PODIUM_DB_PASSWORD_FILE", "set either PODIUM_DB_PASSWORD or PODIUM_DB_PASSWORD_FILE");
      }
      if (passwordFile != null) {
        password = readSecret(passwordFile);
      }
      external =
          Optional.of(
              new ExternalDatabase(
                  DatabaseAddress.check(url), settings.optional("PODIUM_DB_USER"), password));
    }
    return new HistoryConfig(
        external,
        Path.of(settings.string("PODIUM_DATA_DIR", "podium-data")),
        settings.integer("PODIUM_HISTORY_BUFFER", 200_000, 100, 10_000_000),
        settings.integer("PODIUM_HISTORY_BATCH", 500, 1, 10_000),
        settings.integer("PODIUM_DB_POOL", 4, 1, 100));
  }

  private static String readSecret(String file) {
    try {
      String secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        throw new Settings.InvalidSettingException("PODIUM_DB_PASSWORD_FILE", file + " is empty");
      }
      return secret;
    } catch (IOException e) {
      throw new Settings.InvalidSettingException(
          "PODIUM_DB_PASSWORD_FILE", "cannot read " + file + ": " + e.getMessage());
    }
  }
}
