package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.TestSocket.Binary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Today's pages against a running all-in-one: a host page that sends 4,096-sample chunks in real
 * time at its AudioContext's rate (48 or 44.1 kHz) and never says which, and a listener page that
 * plays every binary message the moment it arrives, at 48 kHz, with no buffer ({@link
 * TodaysListenerPage}). The listener must hear the host's tone at its pitch, one message per 20 ms,
 * with sound nearly all the time and next to nothing overlapping.
 *
 * <p>The relay learns an undeclared rate from the first second or so of audio, so the assertions on
 * timing hold from {@link #SETTLED_NANOS} on; the numbers of the whole run are printed too. What a
 * client measures includes the scheduling delays of the machine it runs on (a shared one, here), so
 * a bare paced stream, {@link Floor}, is measured beside Podium in the same run, and Podium must do
 * nearly as well as it. The mixer's own pacing is checked exactly, on a virtual clock, in {@code
 * EventMixerTest}.
 */
class TodaysPagesAudioTest {
  private static final int AMPLITUDE = 8_000;
  private static final double TONE = 440;
  private static final long SECONDS = 10;
  private static final long SETTLED_NANOS = 2_000_000_000L;
  private static final long PACKET_NANOS = 20_000_000L;
  private static final AtomicInteger IDS = new AtomicInteger();
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  /**
   * Today's host page: chunk k of a sine at {@code rate} leaves at {@code start + k × 4096 / rate},
   * the pace of its audio callback (drift-free), until {@code chunks} have been sent.
   */
  private static final class HostPage {
    private final TestSocket socket;
    private final Audio.Sine sine;
    private final long periodNanos;
    private final long chunks;
    private final long start = System.nanoTime();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    HostPage(TestSocket socket, int rate, long chunks) {
      this.socket = socket;
      this.sine = new Audio.Sine(TONE, AMPLITUDE, rate);
      this.periodNanos = 4096L * 1_000_000_000L / rate;
      this.chunks = chunks;
      podium.clientVertx().runOnContext(v -> send(0));
    }

    private void send(long k) {
      if (k == chunks) {
        done.complete(null);
        return;
      }
      socket.sendBinary(sine.next(4096));
      long wait = start + (k + 1) * periodNanos - System.nanoTime();
      podium.clientVertx().setTimer(Math.max(1, wait / 1_000_000), id -> send(k + 1));
    }

    void awaitDone() {
      PodiumHarness.await(Future.fromCompletionStage(done));
    }
  }

  /**
   * The floor: a bare WebSocket server in the node's process that writes one 20 ms message every 20
   * ms on a drift-free timer, measured by the same kind of client at the same time as Podium. What
   * it shows is what this machine does to a perfectly paced stream.
   */
  private static final class Floor {
    private final io.vertx.core.http.HttpServer server;

    Floor() {
      server =
          PodiumHarness.await(
              node.createHttpServer()
                  .webSocketHandler(
                      ws -> {
                        long start = System.nanoTime();
                        Buffer frame = Buffer.buffer(new byte[1920]);
                        send(ws, frame, start, 0);
                      })
                  .listen(0, "127.0.0.1"));
    }

    private void send(io.vertx.core.http.ServerWebSocket ws, Buffer frame, long start, long k) {
      if (ws.isClosed()) {
        return;
      }
      ws.writeBinaryMessage(frame);
      long wait = start + (k + 1) * PACKET_NANOS - System.nanoTime();
      node.timer(Math.max(1, wait), java.util.concurrent.TimeUnit.NANOSECONDS)
          .onSuccess(v -> send(ws, frame, start, k + 1));
    }

    TestSocket listen() {
      return podium.connectTo(server.actualPort(), "/floor");
    }

    void close() {
      PodiumHarness.await(server.close());
    }
  }

  /**
   * What two clients heard at the same time: the listener of a host page, and a listener of the
   * floor.
   */
  private record Heard(List<Binary> podium, List<Binary> floor) {}

  /**
   * Streams {@link #SECONDS} of a tone from a host page at {@code rate}, with the floor beside it.
   */
  private static Heard stream(int rate) {
    // This JVM carries the garbage of the test classes before it: collect it now rather than in a
    // pause in the middle of the measured stream (the floor beside it pays for a pause too, but a
    // relay's catch-up after one is what the old listener page hears worst).
    System.gc();
    String hostId = "host" + IDS.incrementAndGet();
    TestSocket host = podium.goLive(node, hostId);
    TestSocket listener = podium.join(node, host.eventId(), "listener" + IDS.incrementAndGet());
    listener.expect("room_state");
    long chunks = SECONDS * rate / 4096;
    Floor floor = new Floor();
    TestSocket floorListener = floor.listen();
    new HostPage(host, rate, chunks).awaitDone();
    // At least the 20 ms frames of the audio sent, as if it were 48 kHz (the first second may be).
    long frames = chunks * 4096 / 960 - 2;
    assertTrue(
        TestSocket.awaitCondition(() -> listener.binaries().size() >= frames, 10_000),
        "received " + listener.binaries().size() + " of " + frames + " messages");
    floorListener.close();
    floor.close();
    host.close();
    listener.close();
    List<Binary> heard = listener.binaries();
    heard.forEach(b -> assertEquals(1920, b.data().length(), "20 ms of 48 kHz PCM per message"));
    return new Heard(heard, floorListener.binaries());
  }

  /** The messages from {@link #SETTLED_NANOS} after the first on. */
  private static List<Binary> settled(List<Binary> messages) {
    long from = messages.get(0).receivedAt() + SETTLED_NANOS;
    return messages.stream().filter(b -> b.receivedAt() >= from).toList();
  }

  private static void assertPlaysCleanly(int rate) {
    Heard heard = stream(rate);
    String what = rate + " Hz host";
    TodaysListenerPage whole = TodaysListenerPage.play(heard.podium());
    TodaysListenerPage steady = TodaysListenerPage.play(settled(heard.podium()));
    TodaysListenerPage floor = TodaysListenerPage.play(settled(heard.floor()));
    System.out.println(
        "today's listener page, "
            + what
            + ", "
            + heard.podium().size()
            + " messages: "
            + whole
            + "\n  from 2 s on: "
            + steady
            + "\n  the floor meanwhile, from 2 s on: "
            + floor);

    // the tone at the pitch the host sent: its samples were taken at their real rate
    short[] samples = Audio.samples(settled(heard.podium()).stream().map(Binary::data).toList());
    double atTone = Audio.amplitudeAt(samples, TONE);
    assertTrue(
        Math.abs(atTone - AMPLITUDE) < AMPLITUDE * 0.1, what + ": " + TONE + " Hz at " + atTone);
    if (rate != 48_000) {
      double asIf48k = Audio.amplitudeAt(samples, TONE * 48_000 / rate);
      assertTrue(asIf48k < AMPLITUDE * 0.05, what + " taken for 48 kHz: " + asIf48k);
    }

    // 97 % of sound where a perfectly paced stream gets 99 % or more; on a busy machine, as much
    // less as the floor gets less. Overlap and gaps: what the floor gets, and little more.
    String compared = what + ": " + steady + "; floor " + floor;
    double floorLoss = Math.max(0, 0.99 - floor.soundFraction());
    assertTrue(steady.soundFraction() >= 0.97 - floorLoss, compared);
    assertTrue(steady.overlapNanos() <= floor.overlapNanos() + steady.wallNanos() / 50, compared);
    assertTrue(
        steady.gapsWithin(PACKET_NANOS, 5_000_000L)
            >= floor.gapsWithin(PACKET_NANOS, 5_000_000L) - 0.05,
        compared);
    assertTrue(whole.soundFraction() >= 0.93 - floorLoss, what + ": " + whole);
  }

  @Test
  void a48kHzHostPlaysCleanlyOnTodaysListenerPage() {
    assertPlaysCleanly(48_000);
  }

  @Test
  void a44100HzHostPlaysCleanlyOnTodaysListenerPage() {
    assertPlaysCleanly(44_100);
  }
}
