package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.TestSocket.Binary;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live audio through a running all-in-one Podium: real-time paced sine waves in, the mix out,
 * checked with a Goertzel filter for the tones a listener should and should not hear.
 */
class MediaEndToEndTest {
  private static final int AMPLITUDE = 8_000;
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
   * Sends a sine in real time: {@code chunkSamples} per message, one message per chunk duration.
   */
  private static long pace(TestSocket socket, double frequency, int chunkSamples) {
    Audio.Sine sine = new Audio.Sine(frequency, AMPLITUDE);
    long periodMs = Math.max(1, chunkSamples * 1000L / Audio.RATE);
    return podium
        .clientVertx()
        .setPeriodic(periodMs, id -> socket.sendBinary(sine.next(chunkSamples)));
  }

  private static void stopPacing(long timer) {
    podium.clientVertx().cancelTimer(timer);
  }

  /** Waits until the socket has received at least {@code seconds} of audio after {@code since}. */
  private static short[] hear(TestSocket socket, long since, double seconds) {
    int wanted = (int) (seconds * Audio.RATE * 2);
    boolean enough =
        TestSocket.awaitCondition(
            () ->
                socket.binariesSince(since).stream().mapToInt(b -> b.data().length()).sum()
                    >= wanted,
            10_000);
    assertTrue(
        enough,
        "received only "
            + socket.binariesSince(since).stream().mapToInt(b -> b.data().length()).sum()
            + " bytes of audio");
    List<Buffer> chunks = new ArrayList<>();
    for (Binary b : socket.binariesSince(since)) {
      chunks.add(b.data());
    }
    return Audio.samples(chunks);
  }

  private static String user(String name) {
    return name + IDS.incrementAndGet();
  }

  @Test
  void aListenerHearsTheHostsToneAtItsLevelAndTheHostHearsNoEcho() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");

    long t0 = System.nanoTime();
    long sender = pace(host, 440, 4096); // today's host page: 4096-sample chunks
    try {
      short[] heard = hear(listener, t0, 1.0);
      double at440 = Audio.amplitudeAt(heard, 440);
      assertTrue(Math.abs(at440 - AMPLITUDE) < AMPLITUDE * 0.15, "440 Hz amplitude " + at440);
      assertTrue(Audio.amplitudeAt(heard, 1000) < AMPLITUDE * 0.02, "no other tone");
      listener
          .binaries()
          .forEach(b -> assertEquals(1920, b.data().length(), "20 ms frames of PCM"));
      assertTrue(host.binaries().isEmpty(), "the host hears no echo of itself");
      listener.expect(
          "speaker_levels",
          m ->
              m.getJsonArray("levels").stream()
                  .anyMatch(
                      l ->
                          hostId.equals(((JsonObject) l).getString("user_id"))
                              && ((JsonObject) l).getDouble("level") > 0.1));
    } finally {
      stopPacing(sender);
    }
  }

  @Test
  void listenersAreNotHeardAndCohostsAreOnlyWhileAllowed() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    String adaId = user("ada");
    TestSocket ada = podium.join(node, eventId, adaId);
    ada.expect("room_state");
    TestSocket bob = podium.join(node, eventId, user("bob"));
    bob.expect("room_state");

    long hostSender = pace(host, 440, 960);
    long adaSender = pace(ada, 660, 960);
    try {
      // Ada is a listener: refused, and not in the mix.
      ada.expectError("not_allowed");
      long t0 = System.nanoTime();
      short[] before = hear(bob, t0, 0.6);
      assertTrue(Audio.amplitudeAt(before, 440) > AMPLITUDE * 0.8, "host heard");
      assertTrue(Audio.amplitudeAt(before, 660) < AMPLITUDE * 0.02, "listener not heard");

      // Ada becomes a co-host: both tones in the mix; the host hears only Ada (mix-minus), Ada only
      // the host.
      host.send(new JsonObject().put("type", "invite_cohost").put("user_id", adaId));
      ada.expect("cohost_invite");
      ada.send(new JsonObject().put("type", "accept_cohost"));
      bob.expect("cohost_joined");
      long t1 = System.nanoTime() + 200_000_000L;
      short[] both = hear(bob, t1, 0.6);
      assertTrue(Audio.amplitudeAt(both, 440) > AMPLITUDE * 0.8, "host still heard");
      assertTrue(Audio.amplitudeAt(both, 660) > AMPLITUDE * 0.8, "co-host heard");
      short[] hostHears = hear(host, t1, 0.4);
      assertTrue(Audio.amplitudeAt(hostHears, 660) > AMPLITUDE * 0.8, "host hears the co-host");
      assertTrue(Audio.amplitudeAt(hostHears, 440) < AMPLITUDE * 0.05, "host does not hear itself");
      short[] adaHears = hear(ada, t1, 0.4);
      assertTrue(Audio.amplitudeAt(adaHears, 440) > AMPLITUDE * 0.8, "co-host hears the host");
      assertTrue(
          Audio.amplitudeAt(adaHears, 660) < AMPLITUDE * 0.05, "co-host does not hear itself");

      // Muted by the host: gone from the mix.
      host.send(new JsonObject().put("type", "mute").put("participant_id", adaId));
      bob.expect("muted");
      long t2 = System.nanoTime() + 300_000_000L;
      short[] muted = hear(bob, t2, 0.5);
      assertTrue(Audio.amplitudeAt(muted, 660) < AMPLITUDE * 0.02, "muted co-host not heard");
      ada.send(new JsonObject().put("type", "unmute"));
      bob.expect("unmuted");
      long t3 = System.nanoTime() + 300_000_000L;
      assertTrue(
          Audio.amplitudeAt(hear(bob, t3, 0.5), 660) > AMPLITUDE * 0.8,
          "unmuted co-host heard again");

      // Removed from the stage: gone again.
      host.send(new JsonObject().put("type", "remove_cohost").put("participant_id", adaId));
      bob.expect("cohost_removed");
      long t4 = System.nanoTime() + 300_000_000L;
      assertTrue(
          Audio.amplitudeAt(hear(bob, t4, 0.5), 660) < AMPLITUDE * 0.02,
          "removed co-host not heard");
    } finally {
      stopPacing(hostSender);
      stopPacing(adaSender);
    }
  }

  /**
   * Screen data as a legacy listener gets it: every binary message but the 20 ms audio mix frames.
   */
  private static List<Buffer> screenData(TestSocket socket) {
    return socket.binaries().stream().map(Binary::data).filter(b -> b.length() != 1920).toList();
  }

  /**
   * Screen data as a {@code podium.v1} listener gets it: kind 3 and 4 messages, header included.
   */
  private static List<Buffer> framedScreenData(TestSocket socket) {
    return socket.binaries().stream()
        .map(Binary::data)
        .filter(b -> b.getUnsignedByte(0) == 3 || b.getUnsignedByte(0) == 4)
        .toList();
  }

  private static Buffer concat(List<Buffer> parts) {
    Buffer all = Buffer.buffer();
    parts.forEach(all::appendBuffer);
    return all;
  }

  /**
   * Today's host page in screen mode, recording as current Chromium does: the WebM header's first
   * byte alone, then the rest of the header with the first Cluster's start, with its 8,192-byte PCM
   * between them. Listeners there from the start get the header as the init segment, then the rest,
   * byte for byte; listeners who join later get exactly the header first.
   */
  @Test
  void aLateJoinerInScreenModeGetsTheInitSegmentFirstWhenTheHostPageSplitsTheHeader() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket early = podium.join(node, eventId, user("early"));
    early.expect("room_state");
    TestSocket earlyFramed =
        podium.connect(
            node,
            "/ws/stream/live/join/event/" + eventId + "/ef/ef/?token=" + TestTokens.valid("ef"),
            List.of("podium.v1"));
    earlyFramed.expect("room_state");
    host.send(new JsonObject().put("type", "switching_to_screen_sharing").put("stream", "screen"));
    early.expect("screen_sharing_started");
    earlyFramed.expect("screen_sharing_started");
    double foundBefore = screenHeaders("found");

    Buffer header = Webm.header();
    Buffer first = Webm.cluster(0, 700);
    Buffer stream =
        Buffer.buffer()
            .appendBuffer(header)
            .appendBuffer(first)
            .appendBuffer(Webm.cluster(100, 900));
    Buffer chunk1 = stream.getBuffer(0, 1);
    Buffer chunk2 = stream.getBuffer(1, header.length() + 300);
    Buffer chunk3 = stream.getBuffer(header.length() + 300, stream.length());
    host.sendBinary(chunk1);
    host.sendBinary(
        new Audio.Sine(440, AMPLITUDE).next(4096)); // the page's PCM, between the WebM chunks
    host.sendBinary(chunk2);
    host.sendBinary(chunk3);

    assertTrue(
        TestSocket.awaitCondition(
            () -> concat(framedScreenData(earlyFramed)).length() >= stream.length() + 30, 5_000),
        "the screen data reaches a podium.v1 listener");
    List<Buffer> framed = framedScreenData(earlyFramed);
    assertEquals(4, framed.get(0).getUnsignedByte(0), "kind 4 first");
    assertEquals(
        header,
        framed.get(0).slice(10, framed.get(0).length()),
        "the init segment is exactly the header");
    Buffer payloads = Buffer.buffer();
    for (int i = 0; i < framed.size(); i++) {
      assertEquals(i == 0 ? 4 : 3, framed.get(i).getUnsignedByte(0));
      payloads.appendBuffer(framed.get(i).slice(10, framed.get(i).length()));
    }
    assertEquals(stream, payloads, "every WebM byte once, in order, and no PCM among them");

    assertTrue(
        TestSocket.awaitCondition(
            () -> concat(screenData(early)).length() >= stream.length(), 5_000));
    assertEquals(
        header, screenData(early).get(0), "the old listener page gets the header as one message");
    assertEquals(stream, concat(screenData(early)));
    assertEquals(foundBefore + 1, screenHeaders("found"), "counted in podium_screen_headers_total");

    TestSocket late = podium.join(node, eventId, user("late"));
    assertEquals("screen", late.expect("room_state").getString("mode"));
    Buffer next = Webm.cluster(200, 500);
    host.sendBinary(next);
    assertTrue(TestSocket.awaitCondition(() -> screenData(late).size() >= 2, 5_000));
    assertEquals(header, screenData(late).get(0), "the init segment comes first");
    assertEquals(next, screenData(late).get(1));

    // podium.v1 clients get the same header tagged kind 4, from the cache (sequence and timestamp
    // 0).
    TestSocket framedLate =
        podium.connect(
            node,
            "/ws/stream/live/join/event/" + eventId + "/v1/v1/?token=" + TestTokens.valid("v1"),
            List.of("podium.v1"));
    assertEquals("podium.v1", framedLate.subProtocol());
    framedLate.expect("room_state");
    assertTrue(TestSocket.awaitCondition(() -> !framedScreenData(framedLate).isEmpty(), 5_000));
    Buffer cached = framedScreenData(framedLate).get(0);
    assertEquals(4, cached.getUnsignedByte(0), "kind 4: screen init segment");
    assertEquals(0, cached.getUnsignedInt(2), "sequence 0");
    assertEquals(header, cached.slice(10, cached.length()));
  }

  /**
   * Podium's own web client (podium.v1) sends its recorder's first chunk as kind 4; current
   * Chromium makes that chunk one byte. The header is still found and cached whole.
   */
  @Test
  void aPodiumV1HostsOneByteInitChunkStillGivesLateJoinersTheWholeHeader() {
    String hostId = user("v1host");
    TestSocket host =
        podium.connect(
            node,
            "/ws/stream/start/live/" + hostId + "/?token=" + TestTokens.valid(hostId, hostId),
            List.of("podium.v1"));
    String eventId = host.expect("stream_link").getString("event_id");
    host.send(new JsonObject().put("type", "switching_to_screen_sharing").put("stream", "screen"));
    host.expect("screen_sharing_started");
    Buffer header = Webm.header();
    Buffer stream = Buffer.buffer().appendBuffer(header).appendBuffer(Webm.cluster(0, 400));
    host.sendBinary(framedChunk(4, stream.getBuffer(0, 1)));
    host.sendBinary(framedChunk(3, stream.getBuffer(1, stream.length())));

    TestSocket late = podium.join(node, eventId, user("late"));
    assertEquals("screen", late.expect("room_state").getString("mode"));
    assertTrue(TestSocket.awaitCondition(() -> !screenData(late).isEmpty(), 5_000));
    assertEquals(header, screenData(late).get(0));
  }

  /**
   * A share cut short while its header was still arriving does not spoil the next share's header.
   */
  @Test
  void aHeaderCutShortByAModeSwitchDoesNotSpoilTheNextShare() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    host.send(new JsonObject().put("type", "switching_to_screen_sharing").put("stream", "screen"));
    host.expect("screen_sharing_started");
    Buffer header = Webm.header();
    host.sendBinary(header.getBuffer(0, 1));
    host.sendBinary(header.getBuffer(1, 20));
    host.send(new JsonObject().put("type", "switching_to_audio").put("stream", "audio"));
    host.expect("audio_streaming_started");
    host.send(new JsonObject().put("type", "switching_to_screen_sharing").put("stream", "screen"));
    host.expect("screen_sharing_started");
    // The page's next recording: a new header, split the same way.
    Buffer stream = Buffer.buffer().appendBuffer(header).appendBuffer(Webm.cluster(0, 300));
    host.sendBinary(stream.getBuffer(0, 1));
    host.sendBinary(stream.getBuffer(1, stream.length()));

    TestSocket late = podium.join(node, eventId, user("late"));
    assertEquals("screen", late.expect("room_state").getString("mode"));
    assertTrue(TestSocket.awaitCondition(() -> !screenData(late).isEmpty(), 5_000));
    assertEquals(header, screenData(late).get(0));
  }

  private static Buffer framedChunk(int kind, Buffer payload) {
    return Buffer.buffer()
        .appendByte((byte) kind)
        .appendByte((byte) 0)
        .appendUnsignedInt(0)
        .appendUnsignedInt(0)
        .appendBuffer(payload);
  }

  /** {@code podium_screen_headers_total{result}} from {@code /metrics} (0 before it exists). */
  private static double screenHeaders(String result) {
    HttpReply metrics = podium.opsGet(node, "/metrics");
    assertEquals(200, metrics.status());
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("podium_screen_headers_total{")
          && line.contains("result=\"" + result + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void opusListenersDecodeTheMixBackToTheToneAndOpusPublishersAreMixed() throws Exception {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket opus =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + eventId
                + "/op/op/?codec=opus&token="
                + TestTokens.valid("op"),
            List.of("podium.v1"));
    opus.expect("room_state");

    long t0 = System.nanoTime();
    long sender = pace(host, 440, 960);
    List<Buffer> packets;
    try {
      // The relay starts encoding once it hears of this node's Opus listener: until then (a tick or
      // two, up to a second when the relay took the event on after the announcement) it is PCM.
      assertTrue(
          TestSocket.awaitCondition(
              () -> fromFirstOpus(opus.binariesSince(t0)).size() >= 60, 10_000),
          "opus frames arrive");
      packets = fromFirstOpus(opus.binariesSince(t0));
    } finally {
      stopPacing(sender);
    }
    io.github.jaredmdobson.concentus.OpusDecoder decoder =
        new io.github.jaredmdobson.concentus.OpusDecoder(48_000, 1);
    List<Buffer> pcm = new ArrayList<>();
    long lastSequence = -1;
    for (Buffer framed : packets) {
      assertEquals(2, framed.getUnsignedByte(0), "kind 2: Opus");
      long sequence = framed.getUnsignedInt(2);
      assertTrue(sequence > lastSequence, "sequence numbers increase");
      lastSequence = sequence;
      byte[] packet = framed.getBytes(10, framed.length());
      short[] out = new short[960];
      int n = decoder.decode(packet, 0, packet.length, out, 0, out.length, false);
      Buffer b = Buffer.buffer();
      for (int i = 0; i < n; i++) {
        b.appendShortLE(out[i]);
      }
      pcm.add(b);
    }
    short[] decoded = Audio.samples(pcm.subList(10, pcm.size()));
    assertTrue(
        Audio.amplitudeAt(decoded, 440) > AMPLITUDE * 0.7,
        "Opus decodes to the 440 Hz tone: " + Audio.amplitudeAt(decoded, 440));
    assertTrue(
        packets.stream().mapToInt(Buffer::length).average().orElse(0) < 400, "Opus is compact");

    // A podium.v1 co-host publishing Opus is decoded and mixed.
    String adaId = user("ada");
    TestSocket ada =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + eventId
                + "/"
                + adaId
                + "/"
                + adaId
                + "/?token="
                + TestTokens.valid(adaId),
            List.of("podium.v1"));
    ada.expect("room_state");
    host.send(new JsonObject().put("type", "invite_cohost").put("user_id", adaId));
    ada.expect("cohost_invite");
    ada.send(new JsonObject().put("type", "accept_cohost"));
    host.expect("cohost_joined");
    io.github.jaredmdobson.concentus.OpusEncoder encoder =
        new io.github.jaredmdobson.concentus.OpusEncoder(
            48_000, 1, io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_AUDIO);
    Audio.Sine sine = new Audio.Sine(660, AMPLITUDE);
    long t1 = System.nanoTime();
    AtomicInteger sequence = new AtomicInteger();
    long adaSender =
        podium
            .clientVertx()
            .setPeriodic(
                20,
                id -> {
                  Buffer chunk = sine.next(960);
                  short[] frame = new short[960];
                  for (int i = 0; i < 960; i++) {
                    frame[i] = chunk.getShortLE(2 * i);
                  }
                  byte[] out = new byte[1500];
                  try {
                    int n = encoder.encode(frame, 0, 960, out, 0, out.length);
                    ada.sendBinary(
                        Buffer.buffer()
                            .appendByte((byte) 2)
                            .appendByte((byte) 0)
                            .appendUnsignedInt(sequence.incrementAndGet())
                            .appendUnsignedInt(sequence.get() * 960L)
                            .appendBytes(out, 0, n));
                  } catch (io.github.jaredmdobson.concentus.OpusException e) {
                    throw new IllegalStateException(e);
                  }
                });
    try {
      short[] hostHears = hear(host, t1 + 300_000_000L, 0.5);
      assertTrue(
          Audio.amplitudeAt(hostHears, 660) > AMPLITUDE * 0.6,
          "the host hears the Opus co-host: " + Audio.amplitudeAt(hostHears, 660));
    } finally {
      stopPacing(adaSender);
    }
  }

  /** The messages from the first Opus one (kind 2) on. */
  private static List<Buffer> fromFirstOpus(List<Binary> received) {
    List<Buffer> data = received.stream().map(Binary::data).toList();
    for (int i = 0; i < data.size(); i++) {
      if (data.get(i).length() > 0 && data.get(i).getUnsignedByte(0) == 2) {
        return data.subList(i, data.size());
      }
    }
    return List.of();
  }

  /**
   * The relay's {@code podium_media_opus_encoded_total} from {@code /metrics} (0 before it exists).
   */
  private static double opusEncoded() {
    return counter("podium_media_opus_encoded_total", "");
  }

  /**
   * A counter from the all-in-one's /metrics: the first line of that name with that label text (0
   * before it exists).
   */
  private static double counter(String name, String label) {
    HttpReply metrics = podium.opsGet(node, "/metrics");
    assertEquals(200, metrics.status());
    return metrics.metric(name, label).orElse(0);
  }

  private static double mixerTicks(String result) {
    return counter("podium_mixer_ticks_total", "result=\"" + result + "\"");
  }

  private static double framesKeptUnheard() {
    return counter("podium_media_frames_unheard_total", "");
  }

  @Test
  void aRoomNobodyHearsCostsItsRelayNothingUntilSomebodyJoins() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    double keptAtStart = framesKeptUnheard();
    long sender = pace(host, 440, 960);
    try {
      // Past the relay's 1.5 s grace it tells the gateway that nobody hears the room.
      assertTrue(
          Polls.eventually(() -> framesKeptUnheard() - keptAtStart >= 25, 10_000),
          "the gateway keeps the audio of a room whose only socket is its host's");
      double mixed = mixerTicks("mixed");
      double unheard = mixerTicks("unheard");
      double kept = framesKeptUnheard();
      assertTrue(
          Polls.eventually(() -> framesKeptUnheard() - kept >= 100, 10_000),
          "2 s more of kept audio");
      assertEquals(mixed, mixerTicks("mixed"), "no tick of the unheard room was published");
      assertTrue(
          mixerTicks("unheard") - unheard <= 10,
          "the relay saw at most a few frames in 2 s (one per repeat of its notice), not 100: "
              + (mixerTicks("unheard") - unheard));

      TestSocket listener = podium.join(node, eventId, user("listener"));
      listener.expect("room_state");
      long t0 = System.nanoTime();
      short[] heard = hear(listener, t0, 0.5);
      assertTrue(
          Math.abs(Audio.amplitudeAt(heard, 440) - AMPLITUDE) < AMPLITUDE * 0.15,
          "the first listener hears the host at once");
      listener.expect(
          "speaker_levels",
          m ->
              m.getJsonArray("levels").stream()
                  .anyMatch(l -> hostId.equals(((JsonObject) l).getString("user_id"))));
      assertTrue(mixerTicks("mixed") > mixed);
    } finally {
      stopPacing(sender);
    }
  }

  @Test
  void opusIsEncodedOnlyWhileSomeGatewayHasAnOpusListener() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");

    long t0 = System.nanoTime();
    long sender = pace(host, 440, 960);
    try {
      hear(listener, t0, 0.5);
      double before = opusEncoded();
      long t1 = System.nanoTime();
      hear(listener, t1, 0.5);
      assertEquals(before, opusEncoded(), "a room with only PCM listeners encodes no Opus");

      String opusId = user("op");
      TestSocket opus =
          podium.connect(
              node,
              "/ws/stream/live/join/event/"
                  + eventId
                  + "/"
                  + opusId
                  + "/"
                  + opusId
                  + "/?codec=opus&token="
                  + TestTokens.valid(opusId),
              List.of("podium.v1"));
      opus.expect("room_state");
      long t2 = System.nanoTime();
      assertTrue(
          TestSocket.awaitCondition(() -> !fromFirstOpus(opus.binariesSince(t2)).isEmpty(), 10_000),
          "Opus arrives once an Opus listener is in the room");
      assertTrue(opusEncoded() > before, "the relay encodes Opus for it");
    } finally {
      stopPacing(sender);
    }
  }

  @Test
  void aListenerMayTakeLongerPacketsAndABadPacketTimeIsRefusedPolitely() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket sixty =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + eventId
                + "/p60/p60/?ptime=60&token="
                + TestTokens.valid("p60"));
    sixty.expect("room_state");
    TestSocket odd =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + eventId
                + "/p7/p7/?ptime=7&token="
                + TestTokens.valid("p7"));
    odd.expectError("bad_request");
    odd.expect("room_state");

    long t0 = System.nanoTime();
    long sender = pace(host, 440, 960);
    try {
      short[] heard = hear(sixty, t0, 0.6);
      sixty
          .binaries()
          .forEach(b -> assertEquals(3 * 1920, b.data().length(), "60 ms of PCM per message"));
      assertTrue(Audio.amplitudeAt(heard, 440) > AMPLITUDE * 0.8);
      hear(odd, t0, 0.2);
      odd.binaries().forEach(b -> assertEquals(1920, b.data().length(), "the default 20 ms"));
    } finally {
      stopPacing(sender);
    }
  }

  /**
   * {@code ?rate=24000}: the host's 24 kHz audio is resampled from its first chunk (estimating the
   * rate would take a second or more; taken for 48 kHz, 440 Hz would be heard as 880 Hz with gaps).
   */
  @Test
  void aDeclaredRateIsResampledFromTheFirstChunk() {
    String hostId = user("host");
    TestSocket host =
        podium.connect(
            node,
            "/ws/stream/start/live/"
                + hostId
                + "/?rate=24000&token="
                + TestTokens.valid(hostId, hostId));
    String eventId = host.expect("stream_link").getString("event_id");
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");

    long t0 = System.nanoTime();
    Audio.Sine sine = new Audio.Sine(440, AMPLITUDE, 24_000);
    long sender = podium.clientVertx().setPeriodic(20, id -> host.sendBinary(sine.next(480)));
    try {
      short[] heard = hear(listener, t0, 0.5);
      assertTrue(
          Math.abs(Audio.amplitudeAt(heard, 440) - AMPLITUDE) < AMPLITUDE * 0.15,
          "440 Hz from the start: " + Audio.amplitudeAt(heard, 440));
      assertTrue(Audio.amplitudeAt(heard, 880) < AMPLITUDE * 0.05, "not taken for 48 kHz");
      listener
          .binaries()
          .forEach(b -> assertEquals(1920, b.data().length(), "20 ms of 48 kHz PCM"));
    } finally {
      stopPacing(sender);
    }
  }

  /**
   * A rate that is not one of the listed ones is refused with bad_request; the socket stays and its
   * audio is heard.
   */
  @Test
  void anUnlistedRateGetsBadRequestAndTheRateIsEstimated() {
    String hostId = user("host");
    TestSocket host =
        podium.connect(
            node,
            "/ws/stream/start/live/"
                + hostId
                + "/?rate=12345&token="
                + TestTokens.valid(hostId, hostId));
    JsonObject refused = host.expectError("bad_request");
    assertTrue(refused.getString("message").contains("rate"), refused.encode());
    JsonObject link = host.expect("stream_link");
    assertTrue(host.order(refused) < host.order(link), "the refusal comes first");
    String eventId = link.getString("event_id");
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");
    TestSocket odd =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + eventId
                + "/ra/ra/?rate=fast&token="
                + TestTokens.valid("ra"));
    odd.expectError("bad_request");
    odd.expect("room_state");

    long t0 = System.nanoTime();
    long sender = pace(host, 440, 960);
    try {
      assertTrue(
          Audio.amplitudeAt(hear(listener, t0, 0.5), 440) > AMPLITUDE * 0.8,
          "48 kHz audio, as estimated");
    } finally {
      stopPacing(sender);
    }
  }
}
