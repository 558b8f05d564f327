package dev.podium.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * The server's processes (one, or the all-in-one and more gateways) read as one: CPU and run-queue
 * wait summed. A process that has gone (a gateway killed during the run) keeps its last reading, so
 * its time is neither lost nor counted twice.
 */
final class ProcGroup {
  private final List<ProcStats> procs = new ArrayList<>();
  private final double[] lastCpu;
  private final double[] lastWait;
  private final double[] lastJit;

  ProcGroup(List<Long> pids) {
    for (long pid : pids) {
      procs.add(new ProcStats(pid));
    }
    lastCpu = new double[pids.size()];
    lastWait = new double[pids.size()];
    lastJit = new double[pids.size()];
    Arrays.fill(lastCpu, Double.NaN);
    Arrays.fill(lastWait, Double.NaN);
    Arrays.fill(lastJit, Double.NaN);
  }

  boolean isEmpty() {
    return procs.isEmpty();
  }

  /** Summed utime + stime in seconds; NaN when there are no processes or one was never readable. */
  synchronized double cpuSeconds() {
    return sum(lastCpu, ProcStats::cpuSeconds);
  }

  /** Summed run-queue wait in seconds (see {@link ProcStats#runQueueWaitSeconds()}). */
  synchronized double runQueueWaitSeconds() {
    return sum(lastWait, ProcStats::runQueueWaitSeconds);
  }

  /** Summed CPU of the JIT compiler threads in seconds (see {@link ProcStats#jitCpuSeconds()}). */
  synchronized double jitCpuSeconds() {
    return sum(lastJit, ProcStats::jitCpuSeconds);
  }

  /** Summed resident set in KiB of the processes still there; empty when none is readable. */
  OptionalLong rssKib() {
    long sum = 0;
    boolean any = false;
    for (ProcStats p : procs) {
      OptionalLong kib = p.rssKib();
      if (kib.isPresent()) {
        sum += kib.getAsLong();
        any = true;
      }
    }
    return any ? OptionalLong.of(sum) : OptionalLong.empty();
  }

  private double sum(double[] last, java.util.function.ToDoubleFunction<ProcStats> reading) {
    if (procs.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < procs.size(); i++) {
      double v = reading.applyAsDouble(procs.get(i));
      if (!Double.isNaN(v)) {
        last[i] = v;
      } else if (Double.isNaN(last[i])) {
        return Double.NaN;
      }
      sum += last[i];
    }
    return sum;
  }
}
