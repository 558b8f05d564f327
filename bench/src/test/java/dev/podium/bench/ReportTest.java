package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static ListenerStats.Snapshot listener(long[] micros, int[] seqs) {
    return new ListenerStats.Snapshot(seqs.length, micros, seqs, seqs.length, 0, 0, 0, 0, false);
  }

  @Test
  void p99IsTakenPerSecondOfTheStreamOverAllListeners() {
    // frames 100-149 are second 2, 150-199 second 3 (50 frames a second); nothing in seconds 0-1
    int[] seqs = new int[100];
    long[] fast = new long[100];
    long[] slow = new long[100];
    for (int i = 0; i < 100; i++) {
      seqs[i] = 100 + i;
      fast[i] = 5_000;
      slow[i] = i < 50 ? 5_000 : 300_000; // the second listener is slow in second 3 only
    }
    long[] p99 = Report.p99BySecond(List.of(listener(fast, seqs), listener(slow, seqs)));
    assertArrayEquals(new long[] {-1, -1, 5_000, 300_000}, p99);
    assertEquals(new JsonArray().add(5L).add(300L), Report.secondsJson(p99), "the warm-up seconds left out");
  }

  @Test
  void aSecondWithoutAnyFrameStaysInItsPlace() {
    assertEquals(new JsonArray().add(5L).addNull().add(7L), Report.secondsJson(new long[] {-1, 5_000, -1, 7_000}));
  }
}
