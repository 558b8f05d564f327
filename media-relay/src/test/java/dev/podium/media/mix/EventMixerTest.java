package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.podium.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mixer on a virtual clock: {@link Loop} plays the relay's event loop (ticks run exactly when
 * the mixer says they are due, chunks arrive at given times), so every delay below is exact and
 * nothing sleeps. A frame's delay is from its arrival to the tick that mixed it.
 */
class EventMixerTest {
  private static final int N = 960;
  private static final long MS = 1_000_000L;
  private static final long TICK = 20 * MS;
  private static final long MARGIN = EventMixer.MARGIN_NANOS;
  private static final Duration IDLE = Duration.ofSeconds(5);

  /** What one speaker sent: a counter stream, so that every mixed frame can be located in it. */
  private static final class Sent {
    final int salt;
    long samples;

    /** End sample (exclusive) and arrival time of every chunk, in order. */
    final List<long[]> chunks = new ArrayList<>();

    Sent(int salt) {
      this.salt = salt;
    }

    short sample(long index) {
      return (short) (index + salt);
    }

    /** When frame {@code k} was complete: the arrival of the chunk holding its last sample. */
    long arrival(long k) {
      for (long[] c : chunks) {
        if (c[0] >= (k + 1) * N) {
          return c[1];
        }
      }
      throw new AssertionError("frame " + k + " was never sent");
    }
  }

  /**
   * One speaker's frame in one mixed tick: which frame, when the tick ran, how long after the frame
   * arrived.
   */
  private record Played(long frame, long ran, long delay) {}

  /** The relay's event loop on a virtual clock: runs every tick exactly when it is due. */
  private static final class Loop {
    final ManualClock clock = new ManualClock();
    final long t0 = clock.nanos();
    final EventMixer mixer;
    final Map<String, Sent> sent = new HashMap<>();
    final Map<String, List<Played>> played = new HashMap<>();
    final Map<String, Long> lost = new HashMap<>();
    final List<EventMixer.Tick> ticks = new ArrayList<>();

    /** When each mixed tick ran. */
    final List<Long> runs = new ArrayList<>();

    int emptyTicks;
    final List<Long> emptyRuns = new ArrayList<>();

    Loop(long jitterMillis) {
      mixer = new EventMixer(N, Duration.ofMillis(jitterMillis), IDLE, clock);
    }

    /**
     * Runs every tick due up to {@code at} (ns after start; a tie goes to the tick), then moves
     * there.
     */
    void runUntil(long at) {
      while (mixer.nextDue() <= t0 + at) {
        clock.advanceToNanos(Math.max(clock.nanos(), mixer.nextDue()));
        EventMixer.Tick t = mixer.tick();
        if (t == null) {
          emptyTicks++;
          emptyRuns.add(clock.nanos());
          continue;
        }
        ticks.add(t);
        runs.add(clock.nanos());
        t.frames().forEach(this::locate);
      }
      clock.advanceToNanos(Math.max(clock.nanos(), t0 + at));
    }

    /** Sends the speaker's next {@code samples} samples, arriving at {@code at}. */
    void send(String user, int samples, long at) {
      runUntil(at);
      Sent s = sent.computeIfAbsent(user, u -> new Sent(u.hashCode()));
      byte[] b = new byte[samples * 2];
      for (int i = 0; i < samples; i++) {
        short v = s.sample(s.samples + i);
        b[2 * i] = (byte) v;
        b[2 * i + 1] = (byte) (v >> 8);
      }
      s.samples += samples;
      s.chunks.add(new long[] {s.samples, clock.nanos()});
      mixer.ingest(user, b, 0, b.length);
    }

    private final List<Object[]> planned = new ArrayList<>();

    /** A chunk to send at {@code at}; {@link #play} sends every planned chunk in time order. */
    void plan(String user, int samples, long at) {
      planned.add(new Object[] {at, user, samples});
    }

    void play() {
      planned.sort(java.util.Comparator.comparingLong(e -> (Long) e[0]));
      for (Object[] e : planned) {
        send((String) e[1], (Integer) e[2], (Long) e[0]);
      }
      planned.clear();
    }

    /** Which frame of the speaker's stream this is: the next one, or a later one (frames lost). */
    private void locate(String user, short[] frame) {
      Sent s = sent.get(user);
      List<Played> list = played.computeIfAbsent(user, u -> new ArrayList<>());
      long next = list.isEmpty() ? 0 : list.get(list.size() - 1).frame + 1;
      for (long k = next; k < next + 30; k++) {
        if (matches(s, k, frame)) {
          list.add(new Played(k, clock.nanos(), clock.nanos() - s.arrival(k)));
          lost.merge(user, k - next, Long::sum);
          return;
        }
      }
      fail(user + "'s frame after " + next + " is not a whole frame of its stream, in order");
    }

    private static boolean matches(Sent s, long k, short[] frame) {
      for (int i = 0; i < N; i++) {
        if (frame[i] != s.sample(k * N + i)) {
          return false;
        }
      }
      return true;
    }

    List<Played> played(String user) {
      return played.getOrDefault(user, List.of());
    }

    long lost(String user) {
      return lost.getOrDefault(user, 0L);
    }

    /** Ticks that mixed nothing between the first and the last tick that mixed something. */
    long gaps() {
      long first = runs.get(0);
      long last = runs.get(runs.size() - 1);
      return emptyRuns.stream().filter(t -> t > first && t < last).count();
    }
  }

  /** A sender of {@code chunkSamples} every {@code chunkNanos}, from {@code from} to {@code to}. */
  private static void steady(
      Loop loop, String user, int chunkSamples, long chunkNanos, long from, long to) {
    for (long k = 0; from + k * chunkNanos < to; k++) {
      loop.send(user, chunkSamples, from + k * chunkNanos);
    }
  }

  @Test
  void aSteadySenderIsMixedAsItArrives() {
    for (long jitter : new long[] {0, 20, 60}) {
      for (long phase = 0; phase < TICK; phase += 3 * MS + 77_777) {
        Loop loop = new Loop(jitter);
        steady(loop, "host", N, TICK, phase, phase + 10_000 * MS);
        loop.runUntil(phase + 12_000 * MS);
        List<Played> host = loop.played("host");
        String what = "jitter " + jitter + " ms, sender phase " + phase + " ns";
        assertEquals(500, host.size(), "every frame mixed: " + what);
        assertEquals(0, loop.lost("host"), what);
        for (Played p : host) {
          assertEquals(0, p.delay(), "frame " + p.frame() + ": " + what);
        }
        // The marker property: with one speaker the room mix is that speaker's frame, as sent.
        for (int i = 0; i < loop.ticks.size(); i++) {
          EventMixer.Tick t = loop.ticks.get(i);
          assertArrayEquals(t.frames().get("host"), t.mix().room());
          assertEquals(i + 1, t.sequence());
          assertEquals(
              loop.ticks.get(0).timestamp() + (long) i * N, t.timestamp(), "one frame per tick");
        }
      }
    }
  }

  @Test
  void lateFramesWithinThePatienceAreWaitedForAndCostOnlyTheirLateness() {
    for (long jitter : new long[] {0, 20, 60}) {
      Random random = new Random(7);
      Loop loop = new Loop(jitter);
      // the sender's timer and the network: each frame up to the patience late, independently
      long late = jitter * MS + MARGIN - 100_000;
      long[] arrival = new long[1000];
      long previous = 0;
      for (int k = 0; k < 1000; k++) {
        arrival[k] =
            Math.max(
                previous, 5 * MS + k * TICK + (k == 0 ? 0 : (long) (random.nextDouble() * late)));
        previous = arrival[k];
        loop.send("host", N, arrival[k]);
      }
      loop.runUntil(30_000 * MS);
      String what = "jitter " + jitter + " ms";
      List<Played> host = loop.played("host");
      assertEquals(1000, host.size(), what);
      assertEquals(0, loop.lost("host"), what);
      assertEquals(0, loop.gaps(), "no tick without the host: " + what);
      for (Played p : host) {
        assertEquals(0, p.delay(), "mixed as it arrived: frame " + p.frame() + ", " + what);
      }
      assertEquals(0, loop.mixer.shiftedNanos(), "the grid stays: " + what);
    }
  }

  @Test
  void aStallWithinThePatienceIsCaughtUpAtOnce() {
    Loop loop = new Loop(60);
    for (int k = 0; k < 500; k++) {
      // frames 100 to 102 arrive together 45 ms late
      loop.send("host", N, k >= 100 && k <= 102 ? 102 * TICK + 5 * MS : k * TICK);
    }
    loop.runUntil(12_000 * MS);
    List<Played> host = loop.played("host");
    assertEquals(500, host.size());
    assertEquals(0, loop.lost("host"));
    for (Played p : host) {
      assertEquals(0, p.delay(), "frame " + p.frame());
    }
    // tick 100 waited for its frame; ticks 101 and 102 were due by then and ran right after it
    assertEquals(host.get(100).ran(), host.get(102).ran());
    assertEquals(
        TICK - 5 * MS, host.get(103).ran() - host.get(102).ran(), "then on the grid again");
    assertEquals(0, loop.mixer.shiftedNanos());
  }

  @Test
  void aFrameLaterThanThePatienceOfALoneSpeakerLosesNothing() {
    Loop loop = new Loop(0);
    for (int k = 0; k < 500; k++) {
      loop.send("host", N, k * TICK + (k == 100 ? 5 * MS : 0)); // 3 ms past the 2 ms patience
    }
    loop.runUntil(12_000 * MS);
    List<Played> host = loop.played("host");
    assertEquals(500, host.size(), "nothing lost");
    assertEquals(0, loop.lost("host"));
    // tick 100 gave up on it: the mixer went idle and restarted its grid on frame 100 when it came,
    // so the next 25 frames wait the 5 ms they are early for that grid; then the grid moves 5 ms
    // earlier and they are mixed as they arrive again
    for (Played p : host) {
      long expected =
          p.frame() > 100 && p.frame() <= 100 + EventMixer.SHIFT_WINDOW_TICKS ? 5 * MS : 0;
      assertEquals(expected, p.delay(), "frame " + p.frame());
    }
    assertEquals(25 * MS, host.get(100).ran() - host.get(99).ran());
    assertEquals(TICK, host.get(101).ran() - host.get(100).ran());
    assertEquals(15 * MS, host.get(126).ran() - host.get(125).ran(), "one packet 5 ms early");
    assertEquals(5 * MS, loop.mixer.shiftedNanos());
  }

  @Test
  void aStallBeyondThePatienceIsShedByMovingTheGridWithoutLoss() {
    Loop loop = new Loop(0);
    for (int k = 0; k < 500; k++) {
      loop.send("host", N, k * TICK + (k == 100 ? 45 * MS : 0)); // a 45 ms hiccup
    }
    loop.runUntil(12_000 * MS);
    List<Played> host = loop.played("host");
    // frames 100 to 102 arrive together 45 ms late: the grid restarts on them, and the 45 ms the
    // later frames then wait are shed by moving the grid earlier (20 ms after one window: frame
    // 101 had waited only that much; the other 25 ms after the next)
    assertEquals(500, host.size());
    assertEquals(0, loop.lost("host"), "no frame lost");
    assertEquals(45 * MS, loop.mixer.shiftedNanos());
    // the tick after a shift is a catch-up tick, due at once: its frame waited the rest of the
    // shift
    int afterShift = 100 + 2 * EventMixer.SHIFT_WINDOW_TICKS + 1;
    assertEquals(5 * MS, host.get(afterShift).delay());
    for (Played p : host.subList(afterShift + 1, 500)) {
      assertEquals(0, p.delay(), "mixed as it arrives again: frame " + p.frame());
    }
  }

  @Test
  void aLateFrameWhileOthersPlayDelaysOneTickAndCostsNoFrame() {
    Loop loop = new Loop(60);
    for (int k = 0; k <= 500; k++) {
      loop.plan("host", N, k * TICK + (k == 100 ? 15 * MS : 0));
      if (k < 500) {
        loop.plan("guest", N, k * TICK + 9 * MS);
      }
    }
    loop.play();
    loop.runUntil(12_000 * MS);
    assertEquals(0, loop.lost("host"));
    assertEquals(0, loop.lost("guest"));
    assertEquals(501, loop.played("host").size());
    assertEquals(500, loop.played("guest").size());
    // the host's first frame started the ticks (at 20 k ms); the guest's frame k arrives 9 ms
    // after tick k and is mixed in tick k + 1. Tick 100 waited 15 ms for the host's late frame,
    // then the ticks went on on the grid.
    for (EventMixer.Tick t : loop.ticks) {
      Set<String> expected = t.sequence() == 1 ? Set.of("host") : Set.of("host", "guest");
      assertEquals(expected, t.frames().keySet(), "tick " + t.sequence());
    }
    for (Played p : loop.played("host")) {
      assertEquals(0, p.delay(), "host frame " + p.frame());
    }
    for (Played p : loop.played("guest")) {
      assertEquals(p.frame() == 99 ? 26 * MS : 11 * MS, p.delay(), "guest frame " + p.frame());
    }
    assertEquals(0, loop.mixer.shiftedNanos(), "the host's frames never wait: nothing to shed");
  }

  @Test
  void aLateFrameBeyondThePatienceWhileOthersPlayCostsNoFrameAndTheGridFollowsTheLeastWait() {
    Loop loop = new Loop(0);
    for (int k = 0; k < 500; k++) {
      // frame 100 misses its tick (the tick waits 2 ms) by 1 ms
      loop.plan("host", N, k * TICK + (k == 100 ? 3 * MS : 0));
      if (k >= 10) {
        loop.plan("guest", N, k * TICK + 9 * MS);
      }
    }
    loop.play();
    loop.runUntil(12_000 * MS);
    List<Played> host = loop.played("host");
    List<Played> guest = loop.played("guest");
    assertEquals(0, loop.lost("host"), "the host lost nothing");
    assertEquals(0, loop.lost("guest"), "the guest lost nothing");
    assertEquals(500, host.size());
    assertEquals(490, guest.size());
    // frame 100 plays one tick late; the host's later frames then wait a tick, the guest 11 ms:
    // after a window the grid moves 11 ms earlier (the guest's wait, the least), the guest's
    // frames are mixed as they arrive, the host's after 9 ms
    assertEquals(17 * MS, host.get(100).delay());
    assertEquals(
        11 * MS, loop.mixer.shiftedNanos(), "the grid followed the guest, whose wait was least");
    for (Played p : host.subList(100 + EventMixer.SHIFT_WINDOW_TICKS + 2, 500)) {
      assertEquals(9 * MS, p.delay(), "host frame " + p.frame());
    }
    for (Played p : guest.subList(100 + EventMixer.SHIFT_WINDOW_TICKS, 490)) {
      assertEquals(0, p.delay(), "guest frame " + p.frame());
    }
    long hostEnd = host.get(host.size() - 1).ran();
    int withoutHost = 0;
    for (int i = 0; i < loop.ticks.size(); i++) {
      if (!loop.ticks.get(i).frames().containsKey("host") && loop.runs.get(i) < hostEnd) {
        withoutHost++;
      }
    }
    assertEquals(1, withoutHost, "one tick without the host");
  }

  @Test
  void aSecondSpeakerJoinsTheRoomsTicks() {
    Loop loop = new Loop(60);
    long hostPhase = 3 * MS + 300_000;
    long guestStart = 517 * MS + 700_000;
    for (int k = 0; k < 300; k++) {
      loop.plan("host", N, hostPhase + k * TICK);
      if (k >= 30) {
        loop.plan("guest", N, guestStart + (k - 30) * TICK);
      }
    }
    loop.play();
    loop.runUntil(8_000 * MS);
    // the host set the ticks: at 3.3 + k * 20 ms. The guest's frames arrive 14.4 ms after a tick
    // and are mixed at the next one, 5.6 ms later.
    for (Played p : loop.played("guest")) {
      assertEquals(5 * MS + 600_000, p.delay(), "guest frame " + p.frame());
    }
    List<Played> host = loop.played("host");
    for (Played p : host.subList(0, 296)) {
      assertEquals(0, p.delay(), "the host is mixed as it arrives: frame " + p.frame());
    }
    // the guest's last frame (5897.7 ms) was mixed in tick 295; tick 296 waited the patience for
    // the guest's next one, then went on without it, catching up at once
    assertEquals(62 * MS, host.get(296).delay());
    assertEquals(42 * MS, host.get(297).delay());
    assertEquals(22 * MS, host.get(298).delay());
    assertEquals(2 * MS, host.get(299).delay());
    assertEquals(0, loop.lost("host"));
    assertEquals(0, loop.lost("guest"));
    assertEquals(300, loop.played("host").size());
    assertEquals(270, loop.played("guest").size());
  }

  @Test
  void tickIsNullWhenNobodySpeaksAndTheGridKeepsGoing() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ofMillis(60), IDLE, clock);
    long start = clock.nanos();
    for (int i = 1; i <= 100; i++) {
      assertEquals(start + i * TICK, m.nextDue());
      clock.advanceToNanos(m.nextDue());
      assertNull(m.tick());
    }
    assertEquals(0, m.speakerCount());
  }

  private static short[] constant(int value) {
    short[] f = new short[N];
    java.util.Arrays.fill(f, (short) value);
    return f;
  }

  private static void ingest(EventMixer m, String user, short[] frame) {
    byte[] b = new byte[frame.length * 2];
    for (int i = 0; i < frame.length; i++) {
      b[2 * i] = (byte) frame[i];
      b[2 * i + 1] = (byte) (frame[i] >> 8);
    }
    m.ingest(user, b, 0, b.length);
  }

  /** Runs the next tick when it is due. */
  private static EventMixer.Tick tick(EventMixer m, ManualClock clock) {
    clock.advanceToNanos(Math.max(clock.nanos(), m.nextDue()));
    return m.tick();
  }

  @Test
  void audioArrivingWhileIdleIsDueAtOnceAndATickWaitsForAPlayingSpeakerUpToItsPatience() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ofMillis(60), IDLE, clock);
    clock.advance(java.time.Duration.ofNanos(7 * MS));
    long arrival = clock.nanos();
    ingest(m, "a", constant(100));
    assertEquals(arrival, m.nextDue(), "idle: the next tick moves to the arrival");
    assertEquals(0, m.delayMillis());
    ingest(m, "a", constant(200));
    assertEquals(arrival, m.nextDue(), "later frames do not move it");
    EventMixer.Tick t = tick(m, clock);
    assertNotNull(t);
    assertArrayEquals(constant(100), t.mix().room(), "oldest frame first");
    assertEquals(Map.of("a", t.frames().get("a")), t.frames());
    assertEquals(arrival + TICK, m.nextDue(), "a frame is buffered: the grid time");
    assertArrayEquals(constant(200), tick(m, clock).mix().room());
    assertEquals(
        arrival + 2 * TICK + 60 * MS + MARGIN,
        m.nextDue(),
        "dry while playing: wait up to the patience");
    clock.advanceToNanos(arrival + 2 * TICK + 10 * MS);
    assertEquals(52, m.delayMillis());
    ingest(m, "a", constant(300));
    assertEquals(
        arrival + 2 * TICK, m.nextDue(), "it came: due at once (the grid time has passed)");
    assertArrayEquals(constant(300), tick(m, clock).mix().room());
    assertNull(tick(m, clock), "ran dry: the tick gave up at the patience");
    assertEquals(arrival + 3 * TICK + 60 * MS + MARGIN, clock.nanos());
  }

  @Test
  void twoSpeakersRoomIsTheSumAndEachGetsTheOther() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ofMillis(60), IDLE, clock);
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(1000 + i));
      ingest(m, "b", constant(-3000 - i));
    }
    for (int i = 0; i < 3; i++) {
      EventMixer.Tick t = tick(m, clock);
      assertNotNull(t);
      assertEquals(2, t.frames().size());
      assertArrayEquals(constant(1000 + i + (-3000 - i)), t.mix().room());
      assertArrayEquals(constant(-3000 - i), t.mix().minus().get("a"), "a hears b, not themselves");
      assertArrayEquals(constant(1000 + i), t.mix().minus().get("b"), "b hears a, not themselves");
    }
  }

  @Test
  void mixSaturatesAcrossSpeakers() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ofMillis(60), IDLE, clock);
    ingest(m, "a", constant(30_000));
    ingest(m, "b", constant(30_000));
    assertArrayEquals(constant(32767), tick(m, clock).mix().room());
  }

  /**
   * b stops after 10 frames: the next tick waits for it as long as the patience allows (62 ms),
   * then goes on without it, and the ticks a's frames missed meanwhile run at once.
   */
  @Test
  void speakerWhoStopsDropsOutAfterTheBufferRunsDry() {
    Loop loop = new Loop(60);
    for (int k = 0; k < 50; k++) {
      loop.send("a", N, k * TICK);
      if (k < 10) {
        loop.send("b", N, k * TICK + MS); // b's frame k is mixed in tick k + 1, with a's
      }
    }
    loop.runUntil(3_000 * MS);
    assertEquals(50, loop.played("a").size());
    assertEquals(10, loop.played("b").size(), "b's frames all play out");
    for (EventMixer.Tick t : loop.ticks) {
      Set<String> expected =
          t.sequence() >= 2 && t.sequence() <= 11 ? Set.of("a", "b") : Set.of("a");
      assertEquals(expected, t.frames().keySet(), "tick " + t.sequence());
    }
    assertEquals(50, loop.ticks.size(), "then nothing at all: no silence is sent");
    List<Played> a = loop.played("a");
    assertEquals(62 * MS, a.get(11).delay(), "the tick waited the patience for b");
    assertEquals(42 * MS, a.get(12).delay(), "catch-up ticks");
    assertEquals(22 * MS, a.get(13).delay());
    assertEquals(2 * MS, a.get(14).delay());
    assertEquals(0, a.get(15).delay(), "back on the grid");
  }

  @Test
  void sequenceCountsSentTicksAndTimestampCountsSamples() {
    Loop loop = new Loop(0);
    steady(loop, "a", N, TICK, 0, 60 * MS); // 3 frames
    steady(loop, "a", N, TICK, 1_000 * MS + 3 * MS, 1_060 * MS); // after a pause, 3 more
    loop.runUntil(2_000 * MS);
    List<EventMixer.Tick> t = loop.ticks;
    assertEquals(6, t.size());
    for (int i = 0; i < 6; i++) {
      assertEquals(i + 1, t.get(i).sequence(), "consecutive sequence numbers, the pause included");
    }
    assertEquals(t.get(0).timestamp() + N, t.get(1).timestamp());
    assertEquals(t.get(1).timestamp() + N, t.get(2).timestamp());
    long pause = loop.runs.get(3) - loop.runs.get(2);
    assertEquals(
        pause * N / TICK, t.get(3).timestamp() - t.get(2).timestamp(), "samples of the pause");
    assertTrue(
        t.get(3).timestamp() - t.get(2).timestamp() > N, "more than one frame: silence, not loss");
    assertEquals(t.get(3).timestamp() + N, t.get(4).timestamp());
    assertEquals(
        0, t.get(0).timestamp(), "samples since the mixer started: the first frame arrives at 0");
  }

  /**
   * Today's host page: 4096-sample chunks (85.33 ms) at a steady pace, mixed every 20 ms. No tick
   * may come back empty once the speaker plays, and the audio must come out whole and in order.
   */
  @Test
  void steady85msChunksDoNotUnderrunWithTheDefault() {
    assertEquals(0, countUnderruns(60, 0, 0), "steady chunks");
  }

  @Test
  void steady85msChunksInAnotherPhaseDoNotUnderrun() {
    for (long phase = 0; phase < 20 * MS; phase += 3 * MS) {
      assertEquals(0, countUnderruns(60, phase, 0), "chunks offset by " + phase / MS + " ms");
    }
  }

  @Test
  void steady85msChunksNeedOnlyOneFrameOfPatience() {
    for (long phase = 0; phase < 20 * MS; phase += 3 * MS) {
      assertEquals(
          0, countUnderruns(20, phase, 0), "jitter 20 ms, chunks offset by " + phase / MS + " ms");
      assertEquals(0, countUnderruns(0, phase, 0), "jitter 0 is raised to one frame for them");
    }
  }

  @Test
  void jitteryChunksDoNotUnderrun() {
    // each chunk up to 15 ms late (network jitter), order kept
    assertEquals(0, countUnderruns(60, 1 * MS, 15 * MS), "chunks up to 15 ms late");
  }

  /**
   * Simulates 20 s of one speaker: chunk k leaves at k * 4096 / 48000 s and arrives up to {@code
   * maxLateNanos} later. Returns the number of empty ticks once the speaker plays.
   */
  private static int countUnderruns(long jitterMillis, long phaseNanos, long maxLateNanos) {
    Loop loop = new Loop(jitterMillis);
    Random random = new Random(99);
    long previous = 0;
    long end = 20_000 * MS;
    for (int k = 0; ; k++) {
      long arrival =
          phaseNanos
              + k * 4096L * 1_000_000_000L / 48_000
              + (maxLateNanos == 0 ? 0 : (long) (random.nextDouble() * maxLateNanos));
      arrival = Math.max(arrival, previous); // order kept
      previous = arrival;
      if (arrival > end) {
        break;
      }
      loop.send("host", 4096, arrival);
    }
    List<Played> host = loop.played("host");
    assertTrue(host.size() > 950, "played " + host.size() + " frames of ~1000");
    assertEquals(0, loop.lost("host"), "no frame lost");
    assertEquals(0, host.get(0).delay(), "the first frame is mixed as it arrives");
    for (Played p : host) {
      // a chunk's frames (four or five) are played one per tick from its arrival: the last of them
      // waits less than the chunk lasts
      assertTrue(
          p.delay() < 4096L * 1_000_000_000L / 48_000,
          "frame " + p.frame() + " waited " + p.delay());
    }
    // empty ticks between the first and the last mixed tick
    return (int) loop.gaps();
  }

  @Test
  void largeChunksRaiseThePatienceToAFrame() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ZERO, IDLE, clock);
    byte[] chunk = new byte[4096 * 2];
    m.ingest("a", chunk, 0, chunk.length);
    long start = clock.nanos();
    for (int i = 0; i < 4; i++) {
      assertEquals(start + i * TICK, m.nextDue());
      assertNotNull(tick(m, clock));
    }
    assertEquals(
        start + 4 * TICK + TICK + MARGIN,
        m.nextDue(),
        "a chunk that splits a frame: wait a frame for it");
    ManualClock clock2 = new ManualClock();
    EventMixer m2 = new EventMixer(N, Duration.ZERO, IDLE, clock2);
    byte[] frames = new byte[3 * N * 2];
    m2.ingest("a", frames, 0, frames.length);
    for (int i = 0; i < 3; i++) {
      assertNotNull(tick(m2, clock2));
    }
    assertEquals(
        clock2.nanos() + TICK + MARGIN,
        m2.nextDue(),
        "whole frames: no wait beyond the jitter and margin");
  }

  @Test
  void aBurstsExtraDelayIsShedWithoutLoss() {
    Loop loop = new Loop(60);
    for (int k = 0; k < 1000; k++) {
      long t = k * TICK;
      if (k >= 100 && k < 110) {
        t = 110 * TICK; // the sender stalls for 200 ms, then sends what it has at once
      }
      loop.send("host", N, t);
    }
    loop.runUntil(25_000 * MS);
    List<Played> host = loop.played("host");
    assertEquals(1000, host.size(), "every frame mixed");
    assertEquals(0, loop.lost("host"), "none shed: the grid moved instead");
    // tick 100 gave up after the patience; the restart on frame 100 makes the later frames wait
    // 200 ms; the grid moves earlier by 20 ms, 100 ms (the most at once) and 80 ms, a window apart
    assertEquals(200 * MS, loop.mixer.shiftedNanos());
    // the last shift (80 ms) makes four ticks due at once: their frames drain, then all is on time
    int drained = 100 + 3 * EventMixer.SHIFT_WINDOW_TICKS + 1 + 4;
    for (Played p : host.subList(drained, 1000)) {
      assertEquals(0, p.delay(), "mixed as it arrives again: frame " + p.frame());
    }
  }

  /**
   * A steady sender whose first frame is late by x: the grid is anchored to that frame, so every
   * later frame would wait x, for good. After one window the grid moves x earlier: one packet
   * early, no frame lost, the audio unchanged.
   */
  @Test
  void aLateFirstFrameIsShedByMovingTheGrid() {
    for (long jitter : new long[] {0, 20, 60}) {
      for (long x : new long[] {5 * MS, 12 * MS, 19 * MS}) {
        String what = "jitter " + jitter + " ms, first frame " + x / MS + " ms late";
        Loop loop = new Loop(jitter);
        for (int k = 0; k < 500; k++) {
          loop.send("host", N, k * TICK + (k == 0 ? x : 0));
        }
        loop.runUntil(12_000 * MS);
        List<Played> host = loop.played("host");
        assertEquals(500, host.size(), what);
        assertEquals(0, loop.lost("host"), what);
        int window = EventMixer.SHIFT_WINDOW_TICKS;
        for (Played p : host) {
          long expected = p.frame() >= 1 && p.frame() <= window ? x : 0;
          assertEquals(expected, p.delay(), "frame " + p.frame() + ": " + what);
        }
        assertEquals(
            TICK - x,
            host.get(window + 1).ran() - host.get(window).ran(),
            "one packet early: " + what);
        assertEquals(x, loop.mixer.shiftedNanos(), what);
        assertMarkerStream(loop, "host");
      }
    }
  }

  /**
   * The sender stalls for 100 ms, longer than the patience, then sends the 5 frames it held at
   * once, then goes on steadily. The tick gives up on it, it restarts on the first of them, so
   * every later frame waits 100 ms; the grid moves earlier (catch-up ticks) until frames are mixed
   * as they arrive again.
   */
  @Test
  void aBurstDrainsWithoutDroppingAFrame() {
    for (long jitter : new long[] {0, 60}) {
      String what = "jitter " + jitter + " ms";
      Loop loop = new Loop(jitter);
      for (int k = 0; k < 500; k++) {
        long t = k * TICK;
        if (k >= 100 && k < 105) {
          t = 105 * TICK; // frames 100 to 104 arrive together with frame 105
        }
        loop.send("host", N, t);
      }
      loop.runUntil(12_000 * MS);
      List<Played> host = loop.played("host");
      assertEquals(500, host.size(), "every frame mixed: " + what);
      assertEquals(0, loop.lost("host"), "each exactly once, in order: " + what);
      assertEquals(100 * MS, loop.mixer.shiftedNanos(), what);
      // the second shift (80 ms) makes four ticks due at once: their frames drain
      int drained = 100 + 2 * EventMixer.SHIFT_WINDOW_TICKS + 1 + 4;
      for (Played p : host.subList(drained, 500)) {
        assertEquals(0, p.delay(), "mixed as it arrives again: frame " + p.frame() + ", " + what);
      }
      // the backlog drained in catch-up ticks, due at once
      int catchUp = 0;
      for (int i = 1; i < loop.runs.size(); i++) {
        if (loop.runs.get(i) < loop.runs.get(i - 1) + TICK) {
          catchUp++;
        }
      }
      assertTrue(catchUp >= 1, what);
      assertMarkerStream(loop, "host");
    }
  }

  /**
   * Two speakers in different phases: the host's first frame was 12 ms late, so its frames wait 12
   * ms for the grid; the guest, who joins, waits 5 ms. The grid moves by the least, 5 ms, and
   * neither ever misses a tick.
   */
  @Test
  void twoSpeakersTheGridFollowsTheLeastWait() {
    for (long jitter : new long[] {0, 60}) {
      String what = "jitter " + jitter + " ms";
      Loop loop = twoSpeakersInDifferentPhases(jitter, 500, false);
      loop.runUntil(12_000 * MS);
      assertEquals(5 * MS, loop.mixer.shiftedNanos(), what);
      assertEquals(0, loop.lost("host"), what);
      assertEquals(0, loop.lost("guest"), what);
      assertEquals(500, loop.played("host").size(), what);
      assertEquals(495, loop.played("guest").size(), what);
      for (String user : List.of("host", "guest")) {
        List<Played> list = loop.played(user);
        for (int i = 1; i < list.size(); i++) {
          assertTrue(
              list.get(i).ran() - list.get(i - 1).ran() <= TICK,
              user + " never missed a tick: " + what);
        }
      }
      assertEquals(
          7 * MS, loop.played("host").get(499).delay(), "the host's frames wait 7 ms: " + what);
      assertEquals(
          0,
          loop.played("guest").get(494).delay(),
          "the guest's are mixed as they arrive: " + what);
    }
  }

  /**
   * As above, then the guest stalls 100 ms and sends the 5 frames at once, with frame 105: the
   * room's tick 100 waits the patience for it, goes on without it (catching up at once), and the
   * guest's frames arrive just as tick 105 runs, so it restarts at tick 106 with 120 ms of backlog
   * that the grid cannot remove (after moving 7 ms, the host's frames are mixed as they arrive).
   * The guest's own buffer sheds it, one frame per 100 ticks, until it waits less than a tick. The
   * host loses nothing.
   */
  @Test
  void aStandingBacklogTheGridCannotRemoveIsShedByTheFallbackSkip() {
    Loop loop = twoSpeakersInDifferentPhases(60, 1000, true);
    loop.runUntil(25_000 * MS);
    assertEquals(
        12 * MS, loop.mixer.shiftedNanos(), "5 ms for the guest, then the host's remaining 7 ms");
    assertEquals(0, loop.lost("host"));
    assertEquals(1000, loop.played("host").size());
    assertEquals(
        69 * MS,
        loop.played("host").get(100).delay(),
        "the tick waited the patience for the guest");
    assertEquals(0, loop.played("host").get(999).delay());
    // the guest's 113 ms of backlog is shed down to 13 ms: five frames
    assertEquals(5, loop.lost("guest"));
    List<Played> guest = loop.played("guest");
    assertEquals(
        13 * MS, guest.get(guest.size() - 5).delay(), "(near the end: the host stops first)");
    assertEquals(
        994,
        guest.get(guest.size() - 1).frame(),
        "the guest's stream begins at the host's frame 5");
  }

  /**
   * The host sends frame k at 20 k ms, its first 12 ms late; the guest frame k at 20 k + 7 ms from
   * frame 5 on; with {@code stall}, the guest's frames 100 to 104 arrive with frame 105.
   */
  private static Loop twoSpeakersInDifferentPhases(long jitter, int frames, boolean stall) {
    Loop loop = new Loop(jitter);
    for (int k = 0; k < frames; k++) {
      loop.plan("host", N, k * TICK + (k == 0 ? 12 * MS : 0));
      if (k >= 5) {
        int at = stall && k >= 100 && k < 105 ? 105 : k;
        loop.plan("guest", N, at * TICK + 7 * MS);
      }
    }
    loop.play();
    return loop;
  }

  /**
   * The benchmark's marker property: with one speaker, every tick's room mix is that speaker's
   * frame sample for sample (checked against the stream by {@link Loop}), sequences count up by
   * one, and while audio flows the timestamp counts up one frame per tick, catch-up ticks included.
   */
  private static void assertMarkerStream(Loop loop, String user) {
    List<Played> list = loop.played(user);
    for (int i = 0; i < loop.ticks.size(); i++) {
      EventMixer.Tick t = loop.ticks.get(i);
      assertArrayEquals(t.frames().get(user), t.mix().room());
      assertEquals(i + 1, t.sequence());
      if (i > 0
          && list.get(i).frame() == list.get(i - 1).frame() + 1
          && list.get(i).ran() - list.get(i - 1).ran() <= TICK) {
        assertEquals(
            loop.ticks.get(i - 1).timestamp() + N,
            t.timestamp(),
            "one frame per tick, tick " + t.sequence());
      }
    }
  }

  @Test
  void idleSpeakerIsForgottenAfterTheIdleTime() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ofMillis(60), IDLE, clock);
    long last = clock.nanos();
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(1));
    }
    for (int i = 0; i < 3; i++) {
      assertNotNull(tick(m, clock));
    }
    assertEquals(1, m.speakerCount());
    while (m.nextDue() <= last + IDLE.toNanos()) {
      assertNull(tick(m, clock));
    }
    assertEquals(1, m.speakerCount(), "dry, but not idle long enough yet");
    assertNull(tick(m, clock));
    assertEquals(0, m.speakerCount(), "forgotten after the idle time");
  }

  @Test
  void aSpeakerStillTalkingIsNotForgotten() {
    Loop loop = new Loop(60);
    steady(loop, "a", N, TICK, 0, 20_000 * MS);
    assertEquals(1, loop.mixer.speakerCount());
    assertEquals(0, loop.lost("a"));
  }

  @Test
  void aSpeakerWhoComesBackStartsAfresh() {
    Loop loop = new Loop(60);
    loop.send("a", N / 2, 0); // half a frame, never completed
    loop.send("a", N, 20 * MS); // completes frame 0 and half of frame 1
    loop.runUntil(2 * IDLE.toNanos());
    assertEquals(0, loop.mixer.speakerCount(), "silent for twice the idle time");
    assertEquals(1, loop.played("a").size(), "the complete frame played");
    // a minute later: fresh audio is played first, re-chunked from its own start
    ManualClock clock = loop.clock;
    clock.advance(java.time.Duration.ofNanos(60_000 * MS));
    ingest(loop.mixer, "a", constant(222));
    EventMixer.Tick t = tick(loop.mixer, clock);
    assertNotNull(t);
    assertArrayEquals(constant(222), t.mix().room(), "fresh audio, not the old half frame");
  }

  @Test
  void droppedSpeakerIsGoneAtOnce() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ofMillis(60), IDLE, clock);
    for (int i = 0; i < 3; i++) {
      ingest(m, "a", constant(1));
      ingest(m, "b", constant(2));
    }
    m.dropSpeaker("b");
    EventMixer.Tick t = tick(m, clock);
    assertEquals(Set.of("a"), t.frames().keySet());
    assertArrayEquals(constant(1), t.mix().room());
    assertEquals(1, m.speakerCount());
  }

  @Test
  void aDroppedSpeakerIsNotWaitedFor() {
    ManualClock clock = new ManualClock();
    EventMixer m = new EventMixer(N, Duration.ofMillis(60), IDLE, clock);
    ingest(m, "a", constant(1));
    ingest(m, "b", constant(2));
    assertNotNull(tick(m, clock));
    ingest(m, "a", constant(1));
    long grid = clock.nanos() + TICK;
    assertEquals(grid + 60 * MS + MARGIN, m.nextDue(), "b plays and its frame is still to come");
    m.dropSpeaker("b");
    assertEquals(grid, m.nextDue(), "muted or removed: the room goes on without waiting");
  }
}
