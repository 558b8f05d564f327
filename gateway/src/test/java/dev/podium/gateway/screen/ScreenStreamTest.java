package dev.podium.gateway.screen;

import static dev.podium.gateway.screen.WebmSamples.concat;
import static dev.podium.gateway.screen.WebmSamples.id;
import static dev.podium.gateway.screen.WebmSamples.liveCluster;
import static dev.podium.gateway.screen.WebmSamples.liveHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the room gets from a host's screen stream: the initialisation segment as one piece, exactly
 * the bytes before the first Cluster, whatever the chunking; every byte the host sent, in order,
 * once; and, when there is no header to read, the chunks as sent.
 */
class ScreenStreamTest {
  private static final long LIMIT = 1024 * 1024;

  /** What the stream handed on: pieces in order, and how each header read ended. */
  private static final class Room implements ScreenStream.Sink {
    final List<Piece> pieces = new ArrayList<>();
    final List<ScreenStream.Header> headers = new ArrayList<>();

    record Piece(Buffer bytes, boolean init) {}

    @Override
    public void relay(Buffer bytes, boolean init) {
      pieces.add(new Piece(bytes, init));
    }

    @Override
    public void headerRead(ScreenStream.Header outcome, String reason) {
      headers.add(outcome);
      assertTrue(
          outcome == ScreenStream.Header.FOUND
              ? reason == null
              : reason != null && !reason.isBlank());
    }

    List<Buffer> inits() {
      return pieces.stream().filter(Piece::init).map(Piece::bytes).toList();
    }

    Buffer all() {
      Buffer all = Buffer.buffer();
      pieces.forEach(p -> all.appendBuffer(p.bytes()));
      return all;
    }
  }

  private static Room send(ScreenStream stream, List<Buffer> chunks) {
    Room room = new Room();
    for (Buffer chunk : chunks) {
      stream.accept(chunk, false, room);
    }
    return room;
  }

  private static List<Buffer> cut(Buffer bytes, int... sizes) {
    List<Buffer> chunks = new ArrayList<>();
    int at = 0;
    for (int size : sizes) {
      chunks.add(bytes.getBuffer(at, at + size));
      at += size;
    }
    if (at < bytes.length()) {
      chunks.add(bytes.getBuffer(at, bytes.length()));
    }
    return chunks;
  }

  @Test
  void chromiumsOneByteThenTheRestGivesTheHeaderAloneThenTheClusterBytes() {
    WebmSamples.Recording recording = WebmSamples.chromiumSplit();
    List<Buffer> chunks = recording.chunks();
    assertEquals(1, chunks.get(0).length(), "the recording is split as today's Chromium splits it");
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = new Room();

    stream.accept(chunks.get(0), false, room);
    assertTrue(room.pieces.isEmpty(), "the header's first byte is held back");
    stream.accept(chunks.get(1), false, room);
    assertEquals(List.of(ScreenStream.Header.FOUND), room.headers);
    assertEquals(2, room.pieces.size());
    assertEquals(
        recording.init(),
        room.pieces.get(0).bytes(),
        "the init segment: exactly the bytes before the first Cluster");
    assertTrue(room.pieces.get(0).init());
    assertEquals(
        recording.bytes().getBuffer(recording.initLength(), 1 + chunks.get(1).length()),
        room.pieces.get(1).bytes(),
        "the first Cluster's bytes follow as media");
    assertFalse(room.pieces.get(1).init());
    for (Buffer chunk : chunks.subList(2, chunks.size())) {
      stream.accept(chunk, false, room);
      assertEquals(
          chunk, room.pieces.get(room.pieces.size() - 1).bytes(), "later chunks go on as sent");
    }
    assertEquals(recording.bytes(), room.all(), "every byte, in order, once");
    assertFalse(stream.readingHeader());
  }

  @Test
  void theHeaderAndTheFirstClusterInOneChunkAreCutAtTheCluster() {
    WebmSamples.Recording recording = WebmSamples.chromiumWhole();
    Room room = send(new ScreenStream(LIMIT), recording.chunks());
    assertEquals(List.of(recording.init()), room.inits());
    assertEquals(
        recording
            .chunks()
            .get(0)
            .getBuffer(recording.initLength(), recording.chunks().get(0).length()),
        room.pieces.get(1).bytes());
    assertEquals(recording.bytes(), room.all());
  }

  @Test
  void everyChunkingGivesTheSameInitSegmentAndTheSameBytes() {
    WebmSamples.Recording recording = WebmSamples.chromiumSplit();
    Buffer bytes = recording.bytes();
    // Two chunks, cut anywhere in the header or the first Cluster; three bytes then the rest.
    for (int first = 1; first < 600; first++) {
      Room room = send(new ScreenStream(LIMIT), cut(bytes, first));
      assertEquals(List.of(recording.init()), room.inits(), "cut at " + first);
      assertEquals(bytes, room.all(), "cut at " + first);
    }
    // One byte at a time through the header.
    Room bytewise = send(new ScreenStream(LIMIT), cut(bytes, ones(300)));
    assertEquals(List.of(recording.init()), bytewise.inits());
    assertEquals(bytes, bytewise.all());
    // Random chunkings, many tiny chunks among them.
    Random random = new Random(4);
    for (int run = 0; run < 300; run++) {
      int[] sizes = new int[30];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = 1 + random.nextInt(random.nextBoolean() ? 3 : 500);
      }
      Room room = send(new ScreenStream(LIMIT), cut(bytes, sizes));
      assertEquals(List.of(recording.init()), room.inits(), "run " + run);
      assertEquals(bytes, room.all(), "run " + run);
    }
  }

  @Test
  void aHandBuiltLiveStreamSplitThreeBytesThenTheRest() {
    Buffer header = liveHeader();
    Buffer stream = concat(header, liveCluster(0, 300), liveCluster(100, 200));
    Room room = send(new ScreenStream(LIMIT), cut(stream, 3));
    assertEquals(List.of(header), room.inits());
    assertEquals(stream, room.all());
  }

  @Test
  void theRestOfAHeaderSplitInsideTheEbmlMagicIsClaimedWhateverItsSize() {
    Buffer header = liveHeader();
    Buffer pcm = Buffer.buffer(new byte[8192]);
    for (int split = 1; split <= 3; split++) {
      ScreenStream stream = new ScreenStream(LIMIT);
      Room room = new Room();
      assertFalse(stream.claims(pcm), "PCM before the share");
      stream.accept(header.getBuffer(0, split), false, room);
      assertFalse(stream.claims(pcm), "PCM while the header is read");
      Buffer rest = concat(header.getBuffer(split, header.length()), liveCluster(0, 8192));
      rest = rest.getBuffer(0, 8192);
      assertTrue(
          stream.claims(rest), "an 8,192-byte rest of a header split after " + split + " bytes");
      stream.accept(rest, false, room);
      assertEquals(List.of(header), room.inits());
    }
    ScreenStream stream = new ScreenStream(LIMIT);
    assertTrue(
        stream.claims(concat(header, Buffer.buffer(new byte[8000])).getBuffer(0, 8192)),
        "starts with EBML");
    assertTrue(
        stream.claims(concat(liveCluster(0, 8192)).getBuffer(0, 8192)), "starts with a Cluster");
  }

  @Test
  void aStreamJoinedMidWayGoesOnAsMediaWithoutAnInitSegment() {
    // A host that reconnects mid-share: its recorder goes on with Clusters, or mid-Cluster.
    WebmSamples.Recording recording = WebmSamples.chromiumSplit();
    List<Buffer> chunks = recording.chunks().subList(2, 6);
    Room room = send(new ScreenStream(LIMIT), chunks);
    assertTrue(room.inits().isEmpty());
    assertTrue(room.headers.isEmpty(), "no header was looked for");
    assertEquals(
        chunks, room.pieces.stream().map(Room.Piece::bytes).toList(), "relayed at once, as sent");
  }

  @Test
  void aNewRecordingAfterAModeSwitchHasItsOwnInitSegment() {
    Buffer first = liveHeader();
    Buffer second =
        concat(
            WebmSamples.ebmlHeader(),
            id(WebmSamples.SEGMENT),
            WebmSamples.unknownSize(),
            WebmSamples.element(WebmSamples.VOID, new byte[5]),
            WebmSamples.segmentHeaderElements());
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = send(stream, cut(concat(first, liveCluster(0, 100)), 1));
    // The host switches to audio with the next recording's header half read: those bytes are
    // dropped.
    stream.accept(second.getBuffer(0, 20), false, room);
    int before = room.pieces.size();
    stream.restart();
    assertEquals(0, stream.heldBytes());
    // Then back to screen: the next recording, split as Chromium splits it.
    for (Buffer chunk : cut(concat(second, liveCluster(0, 100)), 1)) {
      stream.accept(chunk, false, room);
    }
    assertEquals(List.of(first, second), room.inits());
    assertEquals(
        before + 2, room.pieces.size(), "nothing of the abandoned header reached the room");
  }

  @Test
  void aHeaderInterruptedByANewOneIsReleasedAndTheNewOneIsRead() {
    Buffer header = liveHeader();
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = new Room();
    Buffer stale = header.getBuffer(0, 40);
    stream.accept(stale, false, room);
    Buffer fresh = concat(header, liveCluster(0, 10));
    stream.accept(fresh, false, room);
    assertEquals(List.of(ScreenStream.Header.INTERRUPTED, ScreenStream.Header.FOUND), room.headers);
    assertEquals(stale, room.pieces.get(0).bytes());
    assertFalse(room.pieces.get(0).init());
    assertEquals(List.of(header), room.inits());
    assertEquals(1, stream.headersLost());
  }

  @Test
  void garbageAfterTheEbmlMagicIsGivenUpAndRelayedAsSent() {
    Random random = new Random(11);
    byte[] noise = new byte[3000];
    random.nextBytes(noise);
    noise[0] = 0x10; // a 4-byte id that is not a Segment: decided within the first chunks
    List<Buffer> chunks =
        List.of(
            Buffer.buffer(new byte[] {0x1A}),
            Buffer.buffer(new byte[] {0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x81, 0}),
            Buffer.buffer(noise),
            Buffer.buffer("more"));
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = send(stream, chunks);
    assertEquals(List.of(ScreenStream.Header.NOT_WEBM), room.headers);
    assertTrue(room.inits().isEmpty());
    assertEquals(
        chunks,
        room.pieces.stream().map(Room.Piece::bytes).toList(),
        "the chunks as sent, in order");
    assertFalse(stream.readingHeader());
  }

  @Test
  void aStrayFirstByteInTheMiddleOfMediaIsHeldOneChunkThenRelayedInOrder() {
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = send(stream, WebmSamples.chromiumWhole().chunks());
    int before = room.pieces.size();
    Buffer stray = Buffer.buffer(new byte[] {0x1A});
    Buffer next = liveCluster(7, 20);
    stream.accept(stray, false, room);
    assertEquals(before, room.pieces.size(), "held: it may start a new recording");
    stream.accept(next, false, room);
    assertEquals(
        List.of(stray, next),
        room.pieces.subList(before, room.pieces.size()).stream().map(Room.Piece::bytes).toList());
  }

  @Test
  void aHeaderLongerThanTheLimitIsGivenUpAndHoldsNoMoreThanTheLimitAndOneChunk() {
    long limit = 4096;
    ScreenStream stream = new ScreenStream(limit);
    Room room = new Room();
    stream.accept(
        concat(WebmSamples.ebmlHeader(), id(WebmSamples.SEGMENT), WebmSamples.unknownSize()),
        false,
        room);
    Buffer filler = WebmSamples.element(WebmSamples.VOID, new byte[500]);
    long maxHeld = 0;
    int sent = 1;
    while (room.headers.isEmpty() && sent < 1000) {
      stream.accept(filler, false, room);
      maxHeld = Math.max(maxHeld, stream.heldBytes());
      sent++;
    }
    assertEquals(List.of(ScreenStream.Header.TOO_LARGE), room.headers);
    assertTrue(maxHeld <= limit + filler.length(), "held " + maxHeld);
    assertEquals(sent, room.pieces.size(), "every held chunk relayed as sent");
    assertEquals(0, stream.heldBytes());
    // A header too long by a single 1-byte chunk at a time: the same.
    ScreenStream bytewise = new ScreenStream(limit);
    Room room2 = new Room();
    Buffer endless =
        concat(WebmSamples.ebmlHeader(), id(WebmSamples.SEGMENT), WebmSamples.unknownSize());
    while (endless.length() < 2 * limit) {
      endless.appendBuffer(filler);
    }
    for (Buffer b : cut(endless, ones(endless.length()))) {
      bytewise.accept(b, false, room2);
      assertTrue(bytewise.heldBytes() <= limit, "held " + bytewise.heldBytes());
    }
    assertEquals(List.of(ScreenStream.Header.TOO_LARGE), room2.headers);
    assertEquals(endless, room2.all());
  }

  @Test
  void theDefaultLimitTakesAHugeDeclaredSizeAsTooLargeAtOnce() {
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = new Room();
    Buffer start =
        concat(
            WebmSamples.ebmlHeader(),
            id(WebmSamples.SEGMENT),
            WebmSamples.unknownSize(),
            id(WebmSamples.INFO),
            WebmSamples.size(LIMIT, 4));
    stream.accept(start, false, room);
    assertEquals(List.of(ScreenStream.Header.TOO_LARGE), room.headers);
    assertEquals(List.of(start), room.pieces.stream().map(Room.Piece::bytes).toList());
  }

  @Test
  void aDeclaredInitSegmentStartsARecordingAndIsCutTheSameWay() {
    // podium.v1: the web client sends its recorder's first chunk as kind 4, which Chromium makes
    // one byte.
    WebmSamples.Recording recording = WebmSamples.chromiumSplit();
    List<Buffer> chunks = recording.chunks();
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = new Room();
    stream.accept(chunks.get(0), true, room);
    for (Buffer chunk : chunks.subList(1, chunks.size())) {
      stream.accept(chunk, false, room);
    }
    assertEquals(List.of(recording.init()), room.inits());
    assertEquals(recording.bytes(), room.all());
  }

  @Test
  void aDeclaredInitSegmentThatIsNotWebmIsRelayedAsDeclared() {
    ScreenStream stream = new ScreenStream(LIMIT);
    Room room = new Room();
    Buffer init = Buffer.buffer("not webm at all");
    stream.accept(init, true, room);
    stream.accept(Buffer.buffer("media"), false, room);
    assertEquals(List.of(ScreenStream.Header.NOT_WEBM), room.headers);
    assertEquals(List.of(init), room.inits());
    assertEquals(2, room.pieces.size());
  }

  private static int[] ones(int n) {
    int[] sizes = new int[n];
    java.util.Arrays.fill(sizes, 1);
    return sizes;
  }
}
