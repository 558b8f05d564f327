package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WriteQueueWatchTest {
  private static final long MS = 1_000_000;

  @Test
  void countsHowLongTheQueueHasStayedFull() {
    WriteQueueWatch watch = new WriteQueueWatch();
    assertEquals(-1, watch.observe(false, 0));
    assertEquals(0, watch.observe(true, 100 * MS));
    assertEquals(1_500, watch.observe(true, 1_600 * MS));
    assertEquals(2_100, watch.observe(true, 2_200 * MS));
  }

  @Test
  void aQueueFoundNotFullStartsTheCountAgain() {
    WriteQueueWatch watch = new WriteQueueWatch();
    watch.observe(true, 0);
    assertEquals(1_900, watch.observe(true, 1_900 * MS));
    assertEquals(-1, watch.observe(false, 1_950 * MS), "a burst the client drained");
    assertEquals(0, watch.observe(true, 2_000 * MS));
    assertEquals(1_000, watch.observe(true, 3_000 * MS));
  }
}
