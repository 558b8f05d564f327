package dev.podium.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java heap a server process uses after a full GC, read the same way for the floor and for
 * Podium (neither needs an endpoint for it): {@code jcmd PID GC.run} (a {@code System.gc()}: a
 * full, stop-the-world collection with the JVM's default G1 settings), then {@code jcmd PID
 * GC.heap_info}, whose heap lines say {@code total NK, used NK}. Needs the JDK's {@code jcmd} and
 * the same user as the server. Blocking; for the generator's main thread.
 */
final class HeapProbe {
  // JDK 17: "total 262144K, used 24453K"; JDK 25: "total reserved 6172672K, committed 393216K,
  // used 12160K".
  private static final Pattern USED =
      Pattern.compile("total (?:reserved \\d+K, committed )?\\d+K, used (\\d+)K");
  private static final long TIMEOUT_S = 20;

  private HeapProbe() {}

  /**
   * Every pid's heap used after a full GC, in KiB, summed; empty when any of them could not be
   * read.
   */
  static OptionalLong afterFullGcKib(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      OptionalLong one = afterFullGcKib(pid);
      if (one.isEmpty()) {
        return OptionalLong.empty();
      }
      sum += one.getAsLong();
    }
    return pids.isEmpty() ? OptionalLong.empty() : OptionalLong.of(sum);
  }

  static OptionalLong afterFullGcKib(long pid) {
    String jcmd = jcmdFor(pid);
    if (run(jcmd, pid, "GC.run") == null) {
      return OptionalLong.empty();
    }
    String info = run(jcmd, pid, "GC.heap_info");
    return info == null ? OptionalLong.empty() : usedKib(info);
  }

  /**
   * The heap used in a {@code GC.heap_info} answer: the sum of the {@code used} of every line with
   * {@code total NK, used NK} (G1 has one such line; the serial and parallel collectors one per
   * generation). Metaspace lines carry no {@code total} and are left out. Empty when none matches
   * (ZGC and Shenandoah print other shapes).
   */
  static OptionalLong usedKib(String heapInfo) {
    Matcher m = USED.matcher(heapInfo);
    long sum = 0;
    boolean any = false;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
      any = true;
    }
    return any ? OptionalLong.of(sum) : OptionalLong.empty();
  }

  /**
   * The jcmd of the JDK that runs the process (a JDK 17 jcmd cannot attach to a JDK 25 server),
   * else the one next to this JVM's java, else the one on the PATH.
   */
  static String jcmdFor(long pid) {
    try {
      Path java = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
      Path theirs = java.resolveSibling("jcmd");
      if (Files.isExecutable(theirs)) {
        return theirs.toString();
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or not ours to read: fall back
    }
    Path own = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return Files.isExecutable(own) ? own.toString() : "jcmd";
  }

  private static String run(String jcmd, long pid, String command) {
    try {
      Process p =
          new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      if (p.exitValue() != 0) {
        System.err.println(
            "podium-bench: jcmd "
                + pid
                + " "
                + command
                + " failed: "
                + new String(out, StandardCharsets.UTF_8).strip());
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("podium-bench: jcmd " + pid + " " + command + ": " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
