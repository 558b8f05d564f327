package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

  @Test
  void cpuTicksSurviveSpacesAndParenthesesInTheCommandName() {
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 30 0 100 0 0";
    assertEquals(1234 + 567, ProcStats.cpuTicks(stat));
  }

  @Test
  void statusFieldsInKib() {
    String status = "Name:\tjava\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t30\n";
    assertEquals(102400, ProcStats.statusField(status, "VmRSS:").getAsLong());
    assertEquals(204800, ProcStats.statusField(status, "VmHWM:").getAsLong());
    assertTrue(ProcStats.statusField(status, "VmSwap:").isEmpty());
  }

  @Test
  void machineBusyTimeLeavesIdleAndIowaitOut() {
    String stat = "cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\nintr 1\n";
    assertEquals(100 + 5 + 50 + 3 + 2 + 1, ProcStats.machineBusyTicks(stat));
  }

  @Test
  void jitThreadsAreHotSpotsCompilerThreadsByTheirCutName() {
    assertTrue(ProcStats.isJitThread("C2 CompilerThre\n"));
    assertTrue(ProcStats.isJitThread("C1 CompilerThre"));
    assertFalse(ProcStats.isJitThread("vert.x-eventloo\n"));
    assertFalse(ProcStats.isJitThread("GC Thread#0"));
    assertFalse(ProcStats.isJitThread("Sweeper thread"));
  }

  @Test
  void thisJvmsCompilerThreadsUsedSomeOfItsCpu() {
    ProcStats self = new ProcStats(ProcessHandle.current().pid());
    double jit = self.jitCpuSeconds();
    double all = self.cpuSeconds();
    assertFalse(Double.isNaN(jit), "compiler threads found and read");
    assertTrue(jit >= 0 && jit <= all, jit + " s of " + all + " s");
  }

  @Test
  void runQueueWaitIsTheSecondSchedstatField() {
    assertEquals(909244850L, ProcStats.schedstatWaitNanos("330118625 909244850 677\n"));
  }

  @Test
  void aProcessGroupIsEveryProcessWhoseStatNamesIt() {
    assertEquals(
        4242, ProcStats.processGroupOf("123 (java (x) y) S 1 4242 4242 0 -1 4194560 1 0 0 0 7 3"));
    long self = ProcessHandle.current().pid();
    long ownGroup = ProcStats.processGroupOf(readStat(self));
    org.junit.jupiter.api.Assertions.assertTrue(ProcStats.processGroup(ownGroup).contains(self));
    assertEquals(
        java.util.List.of(), ProcStats.processGroup(Integer.MAX_VALUE), "no such group: nobody");
    assertEquals(
        ProcStats.processGroup(ownGroup),
        BenchOptions.parse("--server-pid", "pgid:" + ownGroup).serverPids());
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> BenchOptions.parse("--pid", "gw=pgid:" + Integer.MAX_VALUE));
    assertEquals("--pid pgid:" + Integer.MAX_VALUE + ": no process in that group", e.getMessage());
  }

  private static String readStat(long pid) {
    try {
      return java.nio.file.Files.readString(
          java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
