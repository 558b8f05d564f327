package dev.podium.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The recording's timeline on a virtual clock: frames by the relay's timestamps, gaps by the clock.
 */
class RecordingTimelineTest {
  private static final long MS = 1_000_000L;
  private static final long START = 1_000_000_000_000L;
  private static final int FRAME = 960;

  private final RecordingTimeline timeline = new RecordingTimeline(START, 80 * MS, 0);

  @Test
  void theFirstFrameIsPlacedWhereTheClockSaysAndTheStartIsSilence() {
    // Recording started at START; the first mixed frame arrives 500 ms later, 80 ms behind.
    assertEquals(21, timeline.place(5_000 * FRAME, FRAME, START + 500 * MS));
    assertEquals(22, timeline.nextSlot());
  }

  @Test
  void aRunIsAnchoredByTheFrameThatCameSoonestNotByALateFirstOne() {
    // The first two frames were held up 200 ms (a slow start); the third came on time.
    long[] ts = {0, FRAME, 2 * FRAME};
    long[] arrivals = {START + 280 * MS, START + 290 * MS, START + 120 * MS};
    timeline.anchor(ts, arrivals, FRAME);
    // On time, frame 2 belongs at slot 2 (arrival 120 ms - 80 ms latency = 40 ms): so frame 0 at 0.
    assertEquals(0, timeline.place(0, FRAME, START + 280 * MS));
    assertEquals(0, timeline.place(FRAME, FRAME, START + 290 * MS));
    assertEquals(2, timeline.nextSlot());
    assertEquals(false, timeline.needsAnchor(2 * FRAME, FRAME));
    assertEquals(true, timeline.needsAnchor(0, FRAME), "timestamps going back start a new run");
  }

  @Test
  void framesFollowTheRelaysTimestampsNotTheirArrival() {
    timeline.place(0, FRAME, START + 80 * MS);
    // Ten frames held up on the way, then arriving in one burst: each takes its own slot.
    long burstAt = START + 400 * MS;
    for (int i = 1; i <= 10; i++) {
      assertEquals(0, timeline.place(i * FRAME, FRAME, burstAt));
    }
    assertEquals(11, timeline.nextSlot());
  }

  @Test
  void aPauseInTheTimestampsIsSilenceOfTheSameLength() {
    timeline.place(0, FRAME, START + 80 * MS);
    // The relay's mixer was idle for 2 s: its next frame's timestamp is 100 frames on.
    assertEquals(99, timeline.place(100 * FRAME, FRAME, START + 2_080 * MS));
    assertEquals(101, timeline.nextSlot());
  }

  @Test
  void aNewRelayIsAnchoredByTheClock() {
    timeline.place(50_000 * FRAME, FRAME, START + 80 * MS);
    timeline.place(50_001 * FRAME, FRAME, START + 100 * MS);
    // Failover: the new relay's timestamps start again near zero, 3 s later.
    long silence = timeline.place(3 * FRAME, FRAME, START + 3_080 * MS);
    assertEquals(150 - 2, silence);
    assertEquals(151, timeline.nextSlot());
  }

  @Test
  void aQuietRoomIsFilledUpToJustBehindTheClockAndTheNextFrameStillLandsInTime() {
    timeline.place(0, FRAME, START + 80 * MS);
    assertEquals(0, timeline.idle(START + 500 * MS), "not idle yet");
    long filled = timeline.idle(START + 5_080 * MS);
    assertEquals(250 - RecordingTimeline.IDLE_LAG_SLOTS - 1, filled);
    // Speech again: the relay's timestamp says 6 s after its first frame.
    assertEquals(
        300 - (250 - RecordingTimeline.IDLE_LAG_SLOTS),
        timeline.place(300 * FRAME, FRAME, START + 6_080 * MS));
    assertEquals(301, timeline.nextSlot());
  }

  @Test
  void aFrameThatWouldGoBackInTimeTakesTheNextSlotAndNoFrameIsDropped() {
    timeline.place(10 * FRAME, FRAME, START + 280 * MS);
    long before = timeline.nextSlot();
    assertEquals(0, timeline.place(10 * FRAME, FRAME, START + 300 * MS));
    assertEquals(before + 1, timeline.nextSlot());
  }

  @Test
  void timestampsFarAheadOfTheClockAreNotBelieved() {
    timeline.place(0, FRAME, START + 80 * MS);
    long silence = timeline.place(1_000_000L * FRAME, FRAME, START + 100 * MS);
    assertEquals(0, silence);
  }

  @Test
  void aStopFillsUpToTheStopOnTheRecordingsOwnTime() {
    timeline.place(0, FRAME, START + 80 * MS);
    assertEquals(150 - 1, timeline.until(START + 3_000 * MS));
    assertEquals(0, timeline.until(START + 2_000 * MS), "never backwards");
  }

  @Test
  void aResumedFileCatchesUpWithTheClockAndThatIsTheGap() {
    RecordingTimeline resumed = new RecordingTimeline(START, 80 * MS, 500);
    assertEquals(1_000 - 500, resumed.catchUp(START + 20_080 * MS));
    assertEquals(1_000, resumed.nextSlot());
    assertEquals(0, resumed.catchUp(START + 20_080 * MS));
  }
}
