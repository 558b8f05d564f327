package dev.podium.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to start a Podium jar with a JDK AOT cache ({@code -XX:AOTCache=F}) that was made for
 * another build of that jar. The JDK is meant to check that itself, but the JDK 25.0.3 on our build
 * machine did not: with a rebuilt jar it took the cache's old classes and ran old code without a
 * word. {@code deploy/aot-cache.sh} writes the SHA-256 of the jar it trained beside the cache
 * ({@code F.sha256}); this compares it with the running jar before anything else runs.
 */
public final class AotCacheCheck {
  static final String FLAG = "-XX:AOTCache=";

  /** What to do about the cache, and why. */
  public record Verdict(Kind kind, String message) {}

  /**
   * NONE: no cache to check. FITS: made for this jar. WARN: cannot tell. REFUSE: another build's.
   */
  public enum Kind {
    NONE,
    FITS,
    WARN,
    REFUSE
  }

  private AotCacheCheck() {}

  /** The verdict for this JVM: its arguments and the jar of {@code java -jar}. */
  public static Verdict ofThisProcess() {
    Optional<Path> jar = runningJar();
    if (jar.isEmpty()) {
      return new Verdict(Kind.NONE, "not started from a jar");
    }
    return check(ManagementFactory.getRuntimeMXBean().getInputArguments(), jar.get());
  }

  static Verdict check(List<String> jvmArgs, Path jar) {
    String cache = null;
    for (String arg : jvmArgs) {
      if (arg.startsWith(FLAG)) {
        cache = arg.substring(FLAG.length()); // the last one wins, as for the JVM
      }
    }
    if (cache == null || cache.isEmpty()) {
      return new Verdict(Kind.NONE, "no AOT cache");
    }
    Path stamp = Path.of(cache + ".sha256");
    if (!Files.isRegularFile(stamp)) {
      return new Verdict(
          Kind.WARN,
          "cannot tell whether the AOT cache "
              + cache
              + " was made for this jar: "
              + stamp
              + " is missing (deploy/aot-cache.sh writes it); a cache of another build runs that"
              + " build's classes");
    }
    try {
      String expected = Files.readString(stamp).trim().split("\\s+", 2)[0];
      String actual = sha256(jar);
      if (!actual.equalsIgnoreCase(expected)) {
        return new Verdict(
            Kind.REFUSE,
            "the AOT cache "
                + cache
                + " was made for another build of "
                + jar
                + " (SHA-256 "
                + abbreviate(expected)
                + ", this jar's is "
                + abbreviate(actual)
                + "): make it again with deploy/aot-cache.sh, or start without -XX:AOTCache");
      }
      return new Verdict(Kind.FITS, "the AOT cache " + cache + " was made for this jar");
    } catch (IOException e) {
      return new Verdict(
          Kind.REFUSE, "cannot check the AOT cache " + cache + " against " + jar + ": " + e);
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String abbreviate(String hex) {
    return hex.length() > 12 ? hex.substring(0, 12) + "..." : hex;
  }

  /**
   * The jar of {@code java -jar}: the class path is that one file. (Not the code source of a class:
   * for a class taken from the AOT cache it can have no location.)
   */
  private static Optional<Path> runningJar() {
    String classPath = System.getProperty("java.class.path", "");
    if (classPath.isEmpty() || classPath.contains(java.io.File.pathSeparator)) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(classPath);
      return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
