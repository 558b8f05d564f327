package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRank() {
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertEquals(50, Percentiles.ofSorted(hundred, 50));
    assertEquals(90, Percentiles.ofSorted(hundred, 90));
    assertEquals(99, Percentiles.ofSorted(hundred, 99));
    assertEquals(100, Percentiles.ofSorted(hundred, 100));
    assertEquals(1, Percentiles.ofSorted(hundred, 0.5));
  }

  @Test
  void smallAndUnsortedInputs() {
    assertEquals(-1, Percentiles.ofSorted(new long[0], 99));
    assertEquals(7, Percentiles.ofSorted(new long[] {7}, 1));
    assertEquals(7, Percentiles.ofSorted(new long[] {7}, 100));
    assertEquals(30, Percentiles.of(new long[] {30, 10, 20}, 99));
    assertEquals(20, Percentiles.of(new long[] {30, 10, 20}, 50));
    // 99th of ten values is the largest: one value in ten is above the 90th.
    assertEquals(10, Percentiles.of(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99));
    assertEquals(9, Percentiles.of(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.ofSorted(new long[] {1}, 0));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.ofSorted(new long[] {1}, 101));
  }

  @Test
  void median() {
    assertEquals(2.0, Percentiles.median(new double[] {3, 1, 2}));
    assertEquals(2.5, Percentiles.median(new double[] {4, 1, 3, 2}));
    assertTrue(Double.isNaN(Percentiles.median(new double[0])));
  }
}
