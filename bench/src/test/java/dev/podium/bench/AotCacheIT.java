package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/aot-cache.sh against the packaged jars (an integration test: it needs the all-in-one and
 * the bench jar, so failsafe runs it after the package phase). With a JDK 25 the training writes a
 * cache, an all-in-one started with it takes Podium's own classes from it and serves listeners, and
 * the same cache with a rebuilt jar is refused (exit code 2, with what to do). Without a JDK 25
 * those cases are skipped and say so; the script's refusals are checked either way.
 */
class AotCacheIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path SCRIPT = ROOT.resolve("deploy/aot-cache.sh");
  private static final Path PODIUM_JAR = ROOT.resolve("deploy/target/podium.jar");
  private static final Path BENCH_JAR = ROOT.resolve("bench/target/podium-bench.jar");
  private static final String SECRET = "aot-it-secret-0123456789abcdef0123456789";
  private static final int HTTP_PORT = 8393;
  private static final int OPS_PORT = 9393; // its probes; the test waits on its start-up line

  private Process server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aJdkWithoutTheCacheIsRefusedWithAReason(@TempDir Path dir) throws Exception {
    Result r = script(dir, Map.of("JAVA", javaOf(System.getProperty("java.home"))));
    if (Runtime.version().feature() < 25) {
      assertEquals(2, r.exit(), r.output());
      assertTrue(r.output().contains("needs a JDK 25 or later"), r.output());
    }
    Result bad = script(dir, Map.of("TRAIN_S", "10; rm -rf /"));
    assertEquals(2, bad.exit(), bad.output());
    assertTrue(bad.output().contains("must be whole numbers"), bad.output());
    Result tooLong = script(dir, Map.of("TRAIN_S", "601"));
    assertEquals(2, tooLong.exit(), tooLong.output());
    assertTrue(tooLong.output().contains("at most 600"), tooLong.output());
    Result noJava = script(dir, Map.of("JAVA", dir.resolve("no-such-java").toString()));
    assertEquals(2, noJava.exit(), noJava.output());
  }

  @Test
  void theTrainedCacheCarriesPodiumsClassesAndAStaleOneIsRefused(@TempDir Path dir)
      throws Exception {
    Optional<Path> jdk25 = jdk25();
    assumeTrue(jdk25.isPresent(), "no JDK 25 or later in PODIUM_TEST_JAVA25 or /usr/lib/jvm");
    assertTrue(Files.isRegularFile(PODIUM_JAR), "run mvn package first: " + PODIUM_JAR);
    assertTrue(Files.isRegularFile(BENCH_JAR), "run mvn package first: " + BENCH_JAR);
    String java = jdk25.get().toString();
    // A copy of the jar with its time kept, as an operator's image would hold it.
    Path jar = dir.resolve("podium.jar");
    Files.copy(PODIUM_JAR, jar, StandardCopyOption.COPY_ATTRIBUTES);
    Path cache = dir.resolve("podium.aot");

    Result training =
        script(
            dir,
            Map.of(
                "JAVA",
                java,
                "PODIUM_JAR",
                jar.toString(),
                "AOT_CACHE",
                cache.toString(),
                "TRAIN_S",
                "3"));
    assertEquals(0, training.exit(), training.output());
    assertTrue(Files.size(cache) > 1_000_000, "cache of " + Files.size(cache) + " bytes");

    Path loaded = dir.resolve("class-load.log");
    startAllInOne(java, jar, cache, loaded, dir.resolve("podium.log"));
    assertTrue(fromCache(loaded, "dev.podium.gateway."), "no gateway class came from the cache");
    String log = Files.readString(dir.resolve("podium.log"));
    assertTrue(log.contains("was made for this jar"), "the cache check said nothing: " + log);
    assertListenersHearTheHost();
    stopServer();

    // The same cache with a jar rebuilt since (other bytes): the JDK here would take the cache's
    // old classes, so Podium refuses to start and says what to do.
    try (FileSystem zip = FileSystems.newFileSystem(jar)) {
      Files.writeString(zip.getPath("rebuilt.txt"), "another build");
    }
    Path staleLog = dir.resolve("podium-stale.log");
    Process stale =
        new ProcessBuilder(java, "-XX:AOTCache=" + cache, "-jar", jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(staleLog.toFile())
            .start();
    assertTrue(stale.waitFor(60, TimeUnit.SECONDS), "a stale cache was not refused");
    String said = Files.readString(staleLog);
    assertEquals(2, stale.exitValue(), said);
    assertTrue(said.contains("was made for another build of"), said);
  }

  private void startAllInOne(String java, Path jar, Path cache, Path classLog, Path log)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-XX:AOTCache=" + cache,
            "-Xlog:class+load=info:file=" + classLog,
            "-Xmx512m",
            "-jar",
            jar.toString());
    Map<String, String> env = pb.environment();
    env.put("PODIUM_JWT_SECRET", SECRET);
    env.put("PODIUM_HTTP_HOST", "127.0.0.1");
    env.put("PODIUM_HTTP_PORT", String.valueOf(HTTP_PORT));
    env.put("PODIUM_OPS_HOST", "127.0.0.1");
    env.put("PODIUM_OPS_PORT", String.valueOf(OPS_PORT));
    env.put("PODIUM_CLUSTER_HOST", "127.0.0.1");
    env.put("PODIUM_CLUSTER_MEMBERS", "127.0.0.1");
    env.put("PODIUM_CLUSTER_PORT", "5993");
    env.put("PODIUM_CLUSTER_NAME", "podium-aot-it-" + ProcessHandle.current().pid());
    env.put("PODIUM_DATA_DIR", log.resolveSibling(log.getFileName() + ".data").toString());
    pb.redirectErrorStream(true);
    server = pb.start();
    // Its output goes to the log line by line; the start-up line is the event waited for.
    CompletableFuture<Void> running = new CompletableFuture<>();
    Process started = server;
    Thread copier =
        new Thread(
            () -> {
              try (BufferedReader in = started.inputReader();
                  BufferedWriter out = Files.newBufferedWriter(log)) {
                for (String line; (line = in.readLine()) != null; ) {
                  out.write(line);
                  out.newLine();
                  out.flush();
                  if (line.contains("Podium is running (all-in-one)")) {
                    running.complete(null);
                  }
                }
              } catch (IOException e) {
                running.completeExceptionally(e);
              }
              running.completeExceptionally(new IllegalStateException("it exited"));
            },
            "all-in-one-output");
    copier.setDaemon(true);
    copier.start();
    try {
      running.get(90, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("the all-in-one did not start (" + e + "): " + tail(log), e);
    }
  }

  /** 20 listeners join a streaming host through the bench's generator and lose nothing. */
  private static void assertListenersHearTheHost() throws Exception {
    Process gen =
        new ProcessBuilder(
                javaOf(System.getProperty("java.home")),
                "-jar",
                BENCH_JAR.toString(),
                "--base",
                "ws://127.0.0.1:" + HTTP_PORT,
                "--secret",
                SECRET,
                "--listeners",
                "20",
                "--ramp-ms",
                "500",
                "--duration-s",
                "2",
                "--warmup-s",
                "0")
            .redirectErrorStream(true)
            .start();
    String out = new String(gen.getInputStream().readAllBytes());
    assertTrue(gen.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, gen.exitValue(), out);
    assertTrue(out.contains("20 requested, 20 joined"), out);
    assertTrue(out.matches("(?s).*; loss 0(\\.0+)? %.*"), out);
  }

  /** Whether a class whose name starts with the prefix was loaded from the AOT cache. */
  private static boolean fromCache(Path classLog, String prefix) throws IOException {
    try (Stream<String> lines = Files.lines(classLog)) {
      return lines.anyMatch(l -> l.contains(" " + prefix) && l.contains("shared objects file"));
    }
  }

  private record Result(int exit, String output) {}

  private static Result script(Path dir, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("TMPDIR", dir.toString());
    pb.environment().put("HTTP_PORT", "8394");
    pb.environment().put("OPS_PORT", "9394");
    pb.environment().put("CLUSTER_PORT", "5994");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
    return new Result(p.exitValue(), out);
  }

  /** A JDK 25 or later: PODIUM_TEST_JAVA25, else the newest under /usr/lib/jvm. */
  private static Optional<Path> jdk25() throws IOException {
    String given = System.getenv("PODIUM_TEST_JAVA25");
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    List<Path> found = new ArrayList<>();
    try (Stream<Path> homes = Files.list(jvms)) {
      for (Path home : homes.toList()) {
        Path release = home.resolve("release");
        Path java = home.resolve("bin/java");
        if (Files.isRegularFile(release) && Files.isExecutable(java)) {
          String version =
              Files.readAllLines(release).stream()
                  .filter(l -> l.startsWith("JAVA_VERSION="))
                  .findFirst()
                  .orElse("");
          String feature = version.replaceAll("JAVA_VERSION=\"?(\\d+).*", "$1");
          if (feature.matches("\\d+") && Integer.parseInt(feature) >= 25) {
            found.add(java);
          }
        }
      }
    }
    return found.stream().sorted().reduce((a, b) -> b);
  }

  private static String javaOf(String home) {
    return Path.of(home, "bin", "java").toString();
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
