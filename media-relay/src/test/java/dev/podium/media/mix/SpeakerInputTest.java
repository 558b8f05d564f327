package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpeakerInputTest {
  private static final long MS = 1_000_000L;
  private static final int ROOM = 48_000;
  private static final int FRAME = 960;

  @Test
  void anUndeclared44100HzSenderYieldsTheRoomsFramesInRealTimeOnceFound() {
    SpeakerInput input = new SpeakerInput(ROOM, FRAME, ROOM);
    long period = 4096 * 1_000_000_000L / 44_100;
    byte[] chunk = new byte[4096 * 2];
    int frames = 0;
    for (long k = 0; k * period < 10_000 * MS; k++) {
      int n = input.push(chunk, 0, chunk.length, k * period, 0).size();
      if (k * period >= 2_000 * MS) {
        frames += n;
      }
    }
    assertEquals(44_100, input.rate());
    assertEquals(44_100, input.foundRate());
    // 8 s of audio at the room's rate: 400 frames (one more or less at the edges)
    assertTrue(Math.abs(frames - 400) <= 1, frames + " frames");
  }

  @Test
  void aDeclaredRateIsResampledFromTheFirstChunk() {
    SpeakerInput input = new SpeakerInput(ROOM, FRAME, ROOM);
    byte[] chunk = new byte[4096 * 2];
    assertEquals(
        8,
        input.push(chunk, 0, chunk.length, 0, 24_000).size(),
        "4096 samples at 24 kHz: 8192 at 48 kHz");
    assertEquals(24_000, input.rate());
    assertEquals(0, input.foundRate(), "declared, not found");
  }

  @Test
  void theRoomsRateIsPassedThroughUntouched() {
    SpeakerInput input = new SpeakerInput(ROOM, FRAME, ROOM);
    byte[] chunk = new byte[FRAME * 2];
    for (int i = 0; i < chunk.length; i += 2) {
      chunk[i] = (byte) i;
      chunk[i + 1] = (byte) (i >> 8);
    }
    short[] frame = input.push(chunk, 0, chunk.length, 0, 0).get(0);
    for (int i = 0; i < FRAME; i++) {
      assertEquals((short) (2 * i), frame[i], "sample " + i);
    }
  }

  @Test
  void aFloodIsResampledAtMostAtTwiceRealTime() {
    SpeakerInput input = new SpeakerInput(ROOM, FRAME, ROOM);
    byte[] chunk = new byte[500_000]; // 31 s of 8 kHz audio per message
    int frames = 0;
    long now = 0;
    for (int i = 0; i < 100; i++, now += 10 * MS) {
      frames += input.push(chunk, 0, chunk.length, now, 8_000).size();
    }
    // one second's burst, then twice real time for the second that passed: 3 s of audio = 150
    // frames
    assertTrue(
        frames <= 150 && frames >= 140, frames + " frames from 3,100 s of audio sent in 1 s");
  }
}
