package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventMixerTest {
  private static final int N = 960;
  private static final long MS = 1_000_000L;
  private static final long TICK = 20 * MS;
  private static final long IDLE = 5_000 * MS;

  /** 60 ms of jitter buffer at 20 ms frames: 3 frames, as configured by default. */
  private static EventMixer mixer() {
    return new EventMixer(N, 3, IDLE);
  }

  private static short[] constant(int value) {
    short[] f = new short[N];
    java.util.Arrays.fill(f, (short) value);
    return f;
  }

  private static byte[] le(short[] samples) {
    byte[] out = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      out[2 * i] = (byte) samples[i];
      out[2 * i + 1] = (byte) (samples[i] >> 8);
    }
    return out;
  }

  private static void ingest(EventMixer m, String user, short[] frame, long now) {
    byte[] b = le(frame);
    m.ingest(user, b, 0, b.length, now);
  }

  @Test
  void speakerIsMixedOnlyAfterTheJitterBufferFills() {
    EventMixer m = mixer();
    long now = 0;
    ingest(m, "a", constant(100), now);
    assertNull(m.tick(now += TICK), "1 of 3 frames buffered");
    ingest(m, "a", constant(200), now);
    assertNull(m.tick(now += TICK), "2 of 3 frames buffered");
    ingest(m, "a", constant(300), now);
    EventMixer.Tick t = m.tick(now += TICK);
    assertNotNull(t, "3 frames = 60 ms buffered: playing");
    assertArrayEquals(constant(100), t.mix().room(), "oldest frame first");
    assertEquals(Map.of("a", t.frames().get("a")), t.frames());
    assertArrayEquals(constant(200), m.tick(now += TICK).mix().room());
    assertArrayEquals(constant(300), m.tick(now += TICK).mix().room());
  }

  @Test
  void tickIsNullWhenNobodySpeaks() {
    EventMixer m = mixer();
    for (int i = 1; i <= 100; i++) {
      assertNull(m.tick(i * TICK));
    }
    assertEquals(0, m.speakerCount());
  }

  @Test
  void twoSpeakersRoomIsTheSumAndEachGetsTheOther() {
    EventMixer m = mixer();
    long now = 0;
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(1000 + i), now);
      ingest(m, "b", constant(-3000 - i), now);
    }
    for (int i = 0; i < 3; i++) {
      EventMixer.Tick t = m.tick(now += TICK);
      assertNotNull(t);
      assertEquals(2, t.frames().size());
      assertArrayEquals(constant(1000 + i + (-3000 - i)), t.mix().room());
      assertArrayEquals(constant(-3000 - i), t.mix().minus().get("a"), "a hears b, not themselves");
      assertArrayEquals(constant(1000 + i), t.mix().minus().get("b"), "b hears a, not themselves");
    }
  }

  @Test
  void mixSaturatesAcrossSpeakers() {
    EventMixer m = mixer();
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(30_000), 0);
      ingest(m, "b", constant(30_000), 0);
    }
    assertArrayEquals(constant(32767), m.tick(TICK).mix().room());
  }

  @Test
  void speakerWhoStopsDropsOutAfterTheBufferRunsDry() {
    EventMixer m = mixer();
    long now = 0;
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(10), now);
      ingest(m, "b", constant(1), now);
    }
    // a keeps talking one frame per tick, b stops
    for (int i = 0; i < 3; i++) {
      EventMixer.Tick t = m.tick(now += TICK);
      assertEquals(2, t.frames().size(), "b's buffered frames still play (tick " + i + ")");
      assertArrayEquals(constant(11), t.mix().room());
      ingest(m, "a", constant(10), now);
    }
    for (int i = 0; i < 5; i++) {
      EventMixer.Tick t = m.tick(now += TICK);
      assertEquals(java.util.Set.of("a"), t.frames().keySet(), "b ran dry");
      assertArrayEquals(constant(10), t.mix().room());
      ingest(m, "a", constant(10), now);
    }
    // a stops too: a's 3 buffered frames play, then nothing at all
    for (int i = 0; i < 3; i++) {
      assertNotNull(m.tick(now += TICK));
    }
    for (int i = 0; i < 10; i++) {
      assertNull(m.tick(now += TICK), "no silence is sent");
    }
  }

  @Test
  void sequenceCountsSentTicksAndTimestampCountsSamples() {
    EventMixer m = mixer();
    long now = 0;
    assertNull(m.tick(now += TICK)); // tick 1: nothing
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(5), now);
    }
    EventMixer.Tick first = m.tick(now += TICK); // tick 2
    EventMixer.Tick second = m.tick(now += TICK); // tick 3
    assertEquals(1, first.sequence());
    assertEquals(2, second.sequence());
    assertEquals(2L * N, first.timestamp());
    assertEquals(3L * N, second.timestamp());
  }

  @Test
  void largeChunksRaiseTheTarget() {
    EventMixer m = mixer();
    short[] chunk = new short[4096];
    java.util.Arrays.fill(chunk, (short) 7);
    byte[] b = le(chunk);
    m.ingest("a", b, 0, b.length, 0);
    // 4 whole frames are buffered (more than 3), but one 85 ms chunk needs 6 frames before playing
    assertNull(m.tick(TICK));
  }

  /**
   * Today's host page: 4096-sample chunks (85.33 ms) at a steady pace, mixed every 20 ms. After a
   * warm-up, no tick may come back empty, and the audio must come out whole and in order.
   */
  @Test
  void steady85msChunksDoNotUnderrun() {
    assertEquals(0, countUnderruns(0, 0), "steady chunks");
  }

  @Test
  void steady85msChunksInAnotherPhaseDoNotUnderrun() {
    for (long phase = 0; phase < 20 * MS; phase += 3 * MS) {
      assertEquals(0, countUnderruns(phase, 0), "chunks offset by " + phase / MS + " ms from the ticks");
    }
  }

  @Test
  void jitteryChunksDoNotUnderrun() {
    // each chunk up to 15 ms late (network jitter), order kept
    assertEquals(0, countUnderruns(1 * MS, 15 * MS), "chunks up to 15 ms late");
  }

  /**
   * Simulates 20 s of one speaker: chunk k leaves at k * 4096 / 48000 s, arrives up to
   * {@code maxLateNanos} later; the mixer ticks every 20 ms. Samples are a running counter so the
   * output can be checked for gaps. Returns the number of empty ticks after a 500 ms warm-up.
   */
  private static int countUnderruns(long phaseNanos, long maxLateNanos) {
    EventMixer m = mixer();
    Random random = new Random(99);
    int chunkSamples = 4096;
    long durationNanos = 20_000 * MS;
    long warmUp = 500 * MS;
    int nextSample = 0;
    int expectedSample = 0;
    int underruns = 0;
    int played = 0;
    long tick = TICK;
    for (int k = 0; ; k++) {
      long arrival = phaseNanos + k * chunkSamples * 1_000_000_000L / 48_000
          + (maxLateNanos == 0 ? 0 : (long) (random.nextDouble() * maxLateNanos));
      if (arrival > durationNanos) {
        break;
      }
      // ticks due before this chunk arrives (a tie goes to the tick: the harder case)
      for (; tick <= arrival; tick += TICK) {
        EventMixer.Tick t = m.tick(tick);
        if (t == null) {
          if (tick > warmUp) {
            underruns++;
          }
          continue;
        }
        short[] room = t.mix().room();
        for (short s : room) {
          if (s != (short) expectedSample) {
            assertEquals((short) expectedSample, s, "sample " + expectedSample + " in order, no gap");
          }
          expectedSample++;
        }
        played++;
      }
      short[] chunk = new short[chunkSamples];
      for (int i = 0; i < chunkSamples; i++) {
        chunk[i] = (short) nextSample++;
      }
      byte[] b = le(chunk);
      m.ingest("host", b, 0, b.length, arrival);
    }
    assertTrue(played > 900, "played " + played + " frames of ~1000");
    return underruns;
  }

  @Test
  void idleSpeakerIsForgottenAfterTheIdleTime() {
    EventMixer m = mixer();
    long last = 0;
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(1), last);
    }
    long now = last;
    for (int i = 0; i < 3; i++) {
      assertNotNull(m.tick(now += TICK));
    }
    assertEquals(1, m.speakerCount());
    assertNull(m.tick(last + IDLE), "dry, but not idle long enough yet");
    assertEquals(1, m.speakerCount());
    assertNull(m.tick(last + IDLE + 1));
    assertEquals(0, m.speakerCount(), "forgotten after the idle time");
  }

  @Test
  void aSpeakerStillTalkingIsNotForgotten() {
    EventMixer m = mixer();
    long now = 0;
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(1), now);
    }
    for (int i = 0; i < 1000; i++) {
      assertNotNull(m.tick(now += TICK));
      ingest(m, "a", constant(1), now);
    }
    assertEquals(1, m.speakerCount());
  }

  @Test
  void speakerWhoStopsBeforeTheBufferFillsIsForgottenToo() {
    EventMixer m = mixer();
    ingest(m, "a", constant(111), 0);
    ingest(m, "a", constant(111), 0); // 2 of 3 frames: never starts playing
    long now = 0;
    while (now < 2 * IDLE) {
      assertNull(m.tick(now += TICK));
    }
    assertEquals(0, m.speakerCount(), "silent for twice the idle time");
    // when they come back a minute later, their old audio must not be played first
    now += 60_000 * MS;
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(222), now);
    }
    EventMixer.Tick t = m.tick(now += TICK);
    assertNotNull(t);
    assertArrayEquals(constant(222), t.mix().room(), "fresh audio, not 60 s old frames");
  }

  @Test
  void droppedSpeakerIsGoneAtOnce() {
    EventMixer m = mixer();
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(1), 0);
      ingest(m, "b", constant(2), 0);
    }
    m.dropSpeaker("b");
    EventMixer.Tick t = m.tick(TICK);
    assertEquals(java.util.Set.of("a"), t.frames().keySet());
    assertArrayEquals(constant(1), t.mix().room());
    assertEquals(1, m.speakerCount());
  }

  @Test
  void decodedFramesAreBufferedLikePcm() {
    EventMixer m = mixer();
    m.ingestFrame("a", constant(9), 0);
    m.ingestFrame("a", constant(9), 0);
    assertNull(m.tick(TICK));
    m.ingestFrame("a", constant(9), 0);
    assertArrayEquals(constant(9), m.tick(2 * TICK).mix().room());
  }
}
