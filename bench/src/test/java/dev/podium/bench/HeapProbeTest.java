package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapProbeTest {

  @Test
  void g1HasOneHeapLineAndMetaspaceIsLeftOut() {
    String g1 =
        """
        13497:
         garbage-first heap   total 262144K, used 24453K [0x0000000700000000, 0x0000000800000000)
          region size 1024K, 1 young (1024K), 0 survivors (0K)
         Metaspace       used 47207K, committed 47744K, reserved 1114112K
          class space    used 5802K, committed 6080K, reserved 1048576K
        """;
    assertEquals(OptionalLong.of(24453), HeapProbe.usedKib(g1));
  }

  @Test
  void jdk25sG1LineNamesReservedAndCommitted() {
    String g1 =
        """
        17607:
         garbage-first heap   total reserved 6172672K, committed 393216K, used 12160K [0x0000000687400000, 0x0000000800000000)
          region size 4096K, 3 young (12288K), 1 survivors (4096K)
         Metaspace       used 9000K, committed 9216K, reserved 1114112K
        """;
    assertEquals(OptionalLong.of(12160), HeapProbe.usedKib(g1));
  }

  @Test
  void generationalCollectorsAreSummedOverTheirGenerations() {
    String serial =
        """
         def new generation   total 4928K, used 1234K [0x00000000f0000000, 0x00000000f0550000, 0x00000000f5550000)
          eden space 4416K,  27% used [0x00000000f0000000, 0x00000000f01348f8, 0x00000000f0450000)
         tenured generation   total 10944K, used 5000K [0x00000000f5550000, 0x00000000f6000000, 0x0000000100000000)
         Metaspace       used 900K, committed 1024K, reserved 1056768K
        """;
    assertEquals(OptionalLong.of(6234), HeapProbe.usedKib(serial));
  }

  @Test
  void anUnknownShapeOrAFailedReadIsNoNumber() {
    assertTrue(
        HeapProbe.usedKib(" ZHeap           used 8M, capacity 16M, max capacity 100M").isEmpty());
    assertTrue(HeapProbe.afterFullGcKib(List.of()).isEmpty());
    // A pid that is no JVM (nor any process): jcmd fails, nothing is made up.
    assertTrue(HeapProbe.afterFullGcKib(List.of(Long.valueOf(Integer.MAX_VALUE))).isEmpty());
  }

  @Test
  void theJcmdIsTheOneOfTheJdkRunningTheProcess(@TempDir Path dir) throws Exception {
    // Another JDK than this test's, if the machine has one (JDK 17 and 25 here).
    Path own = Path.of(System.getProperty("java.home")).toRealPath();
    Optional<Path> other;
    try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
      other =
          homes
              .filter(h -> Files.isExecutable(h.resolve("bin/jcmd")))
              .filter(h -> !realPath(h).equals(own))
              .findFirst();
    }
    assumeTrue(other.isPresent(), "only one JDK on this machine");
    Path sleep = Files.writeString(dir.resolve("Sleep.java"), SLEEP);
    Process p =
        new ProcessBuilder(other.get().resolve("bin/java").toString(), sleep.toString()).start();
    try {
      assertEquals(
          realPath(other.get()).resolve("bin/jcmd").toString(), HeapProbe.jcmdFor(p.pid()));
    } finally {
      p.destroyForcibly();
    }
  }

  private static final String SLEEP =
      "class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(60_000); } }";

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (java.io.IOException e) {
      return p;
    }
  }
}
