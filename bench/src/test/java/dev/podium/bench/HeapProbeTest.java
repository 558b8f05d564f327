package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

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
}
