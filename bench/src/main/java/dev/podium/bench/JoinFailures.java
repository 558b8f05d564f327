package dev.podium.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Listeners that never joined, by reason. */
final class JoinFailures {
  private final AtomicLong connectFailed = new AtomicLong();
  private final ConcurrentHashMap<String, Long> refusals = new ConcurrentHashMap<>();

  void connectFailed(Throwable e) {
    if (connectFailed.getAndIncrement() == 0) {
      System.err.println("podium-bench: first listener connect failure: " + e.getMessage());
    }
  }

  void refused(String code) {
    refusals.merge(code, 1L, Long::sum);
  }

  long connectFailed() {
    return connectFailed.get();
  }

  Map<String, Long> refusals() {
    return new TreeMap<>(refusals);
  }
}
