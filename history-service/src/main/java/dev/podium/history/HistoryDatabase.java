package dev.podium.history;

import java.io.IOException;
import java.util.Optional;

/**
 * The database the history-service writes to: the external PostgreSQL named by the settings, or the
 * embedded one it starts itself; either way migrated to this build's schema. Blocking: open and
 * close it on a worker thread.
 */
final class HistoryDatabase implements AutoCloseable {
  private final DatabaseAddress address;
  private final Optional<LocalPostgres> embedded;

  private HistoryDatabase(DatabaseAddress address, Optional<LocalPostgres> embedded) {
    this.address = address;
    this.embedded = embedded;
  }

  static HistoryDatabase open(HistoryConfig config) throws IOException {
    Optional<LocalPostgres> embedded = Optional.empty();
    DatabaseAddress address;
    if (config.external().isPresent()) {
      HistoryConfig.ExternalDatabase db = config.external().get();
      address = DatabaseAddress.of(db.url(), db.user(), db.password());
    } else {
      LocalPostgres local = LocalPostgres.start(config.dataDir().resolve("postgres"));
      embedded = Optional.of(local);
      address = local.address();
    }
    try {
      Migrations.migrate(address);
    } catch (RuntimeException e) {
      if (embedded.isPresent()) {
        embedded.get().close();
      }
      throw e;
    }
    return new HistoryDatabase(address, embedded);
  }

  DatabaseAddress address() {
    return address;
  }

  boolean embedded() {
    return embedded.isPresent();
  }

  @Override
  public void close() throws IOException {
    if (embedded.isPresent()) {
      embedded.get().close();
    }
  }
}
