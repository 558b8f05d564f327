package dev.podium.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Reads a Linux process's CPU time and resident memory from {@code /proc}. */
public final class ProcStats {
  /** USER_HZ: the unit of utime/stime. 100 on every mainstream Linux build. */
  static final long CLOCK_TICKS_PER_SECOND = 100;

  private final long pid;

  public ProcStats(long pid) {
    this.pid = pid;
  }

  public long pid() {
    return pid;
  }

  /** utime + stime of the process (all threads) in seconds, if readable. */
  public double cpuSeconds() {
    try {
      return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
          / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * Time the process's threads spent runnable but waiting for a CPU (second field of {@code
   * /proc/PID/task/TID/schedstat}, summed over live threads), in seconds: how much the process was
   * held back by others on the machine.
   */
  public double runQueueWaitSeconds() {
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      long nanos = 0;
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          nanos += schedstatWaitNanos(Files.readString(task.resolve("schedstat")));
        } catch (IOException | RuntimeException e) {
          // The thread ended meanwhile.
        }
      }
      return nanos / 1e9;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * utime + stime of the process's JIT compiler threads alive now (HotSpot's C1 and C2 threads), in
   * seconds: compiling that a longer-running server would have finished, told apart from the work
   * itself. A compiler thread that has ended no longer counts (HotSpot ends extra ones it started
   * on machines with many cores; with 2 cores it runs one of each for good).
   */
  public double jitCpuSeconds() {
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      long ticks = 0;
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (isJitThread(Files.readString(task.resolve("comm")))) {
            ticks += cpuTicks(Files.readString(task.resolve("stat")));
          }
        } catch (IOException | RuntimeException e) {
          // The thread ended meanwhile.
        }
      }
      return ticks / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * Whether a thread's {@code comm} (its name cut to 15 characters) is a HotSpot JIT compiler
   * thread: {@code C1 CompilerThread0}, {@code C2 CompilerThread1}, ...
   */
  static boolean isJitThread(String comm) {
    String name = comm.strip();
    return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
  }

  /** The run-queue wait (second field) of a {@code schedstat} line, in nanoseconds. */
  static long schedstatWaitNanos(String schedstat) {
    return Long.parseLong(schedstat.trim().split("\\s+")[1]);
  }

  /** Current resident set (VmRSS) in KiB, if readable. */
  public OptionalLong rssKib() {
    return statusKib("VmRSS:");
  }

  /** Peak resident set over the process's life (VmHWM) in KiB, if readable. */
  public OptionalLong peakRssKib() {
    return statusKib("VmHWM:");
  }

  private OptionalLong statusKib(String field) {
    try {
      return statusField(Files.readString(Path.of("/proc", Long.toString(pid), "status")), field);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * CPU seconds all processes of the machine have used (busy time of every CPU summed), if
   * readable.
   */
  public static double machineBusySeconds() {
    try {
      return machineBusyTicks(Files.readString(Path.of("/proc/stat")))
          / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The 1-minute load average, if readable. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * user + nice + system + irq + softirq + steal of the {@code cpu} line of {@code /proc/stat}, in
   * ticks.
   */
  static long machineBusyTicks(String procStat) {
    String line =
        procStat
            .lines()
            .filter(l -> l.startsWith("cpu "))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no cpu line"));
    String[] f = line.substring(4).trim().split("\\s+");
    long busy = 0;
    for (int i : new int[] {0, 1, 2, 5, 6, 7}) {
      busy += i < f.length ? Long.parseLong(f[i]) : 0;
    }
    return busy;
  }

  /**
   * The pids of every process now in process group {@code pgid} (field 5 of {@code
   * /proc/PID/stat}), ascending. A process that joins the group later is not among them.
   */
  public static List<Long> processGroup(long pgid) {
    List<Long> out = new ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (processGroupOf(Files.readString(p.resolve("stat"))) == pgid) {
            out.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException e) {
          // The process ended meanwhile.
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  /** The process group (field 5) of a {@code /proc/PID/stat} line. */
  static long processGroupOf(String stat) {
    String rest = stat.substring(stat.lastIndexOf(')') + 2).trim();
    return Long.parseLong(rest.split("\\s+")[5 - 3]);
  }

  /** utime + stime (fields 14 and 15) of a {@code /proc/PID/stat} line, in clock ticks. */
  static long cpuTicks(String stat) {
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    String rest = stat.substring(stat.lastIndexOf(')') + 2).trim();
    String[] f = rest.split("\\s+");
    // rest starts at field 3 (state): field n is f[n - 3].
    return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
  }

  /** The KiB value of a {@code Name: 123 kB} line of {@code /proc/PID/status}. */
  static OptionalLong statusField(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        String[] parts = line.substring(field.length()).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(parts[0]));
      }
    }
    return OptionalLong.empty();
  }
}
