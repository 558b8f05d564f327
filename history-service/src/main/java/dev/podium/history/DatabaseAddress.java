package dev.podium.history;

import dev.podium.runtime.Settings;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;

/**
 * One PostgreSQL address in the two forms Podium needs: the reactive client's connect options and
 * the JDBC URL Flyway migrates through. {@code PODIUM_DB_URL} may be given either way: {@code
 * postgresql://host:5432/podium} or {@code jdbc:postgresql://host:5432/podium}.
 */
record DatabaseAddress(PgConnectOptions options, String jdbcUrl) {

  static DatabaseAddress of(String url, String user, String password) {
    PgConnectOptions options = PgConnectOptions.fromUri(withoutJdbc(url));
    // The client's own defaults for what the URL leaves out are "user" and "pass": PostgreSQL's
    // are the user postgres and no password.
    String userInfo = URI.create(withoutJdbc(url)).getRawUserInfo();
    if (user != null) {
      options.setUser(user);
    } else if (userInfo == null) {
      options.setUser("postgres");
    }
    if (password != null) {
      options.setPassword(password);
    } else if (userInfo == null || !userInfo.contains(":")) {
      options.setPassword("");
    }
    return new DatabaseAddress(
        options,
        "jdbc:postgresql://"
            + options.getHost()
            + ":"
            + options.getPort()
            + "/"
            + options.getDatabase());
  }

  /** The URL, or a clear setting error naming what is wrong with it. */
  static String check(String url) {
    try {
      PgConnectOptions.fromUri(withoutJdbc(url));
      String path = URI.create(withoutJdbc(url)).getPath();
      if (path == null || path.length() <= 1) {
        throw new IllegalArgumentException("it names no database");
      }
      return url;
    } catch (RuntimeException e) {
      throw new Settings.InvalidSettingException(
          "PODIUM_DB_URL",
          "expected postgresql://host:port/database (or jdbc:postgresql://...): " + e.getMessage());
    }
  }

  private static String withoutJdbc(String url) {
    return url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
  }
}
