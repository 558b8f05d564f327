package dev.podium.history;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema to this build's version with Flyway ({@code db/migration} on the class path).
 * Blocking: run it on a worker thread, once, before the service serves. Flyway takes a lock in the
 * database, so several history-service instances starting together migrate once.
 */
final class Migrations {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static MigrateResult migrate(DatabaseAddress address) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(
                address.jdbcUrl(), address.options().getUser(), address.options().getPassword())
            .locations("classpath:db/migration")
            .table("podium_schema_history")
            .load();
    MigrateResult result = flyway.migrate();
    LOG.atInfo()
        .addKeyValue("schema_version", result.targetSchemaVersion)
        .addKeyValue("applied", result.migrationsExecuted)
        .log("history schema migrated");
    return result;
  }
}
