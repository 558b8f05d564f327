package dev.podium.gateway.screen;

import static dev.podium.gateway.screen.WebmSamples.CLUSTER;
import static dev.podium.gateway.screen.WebmSamples.INFO;
import static dev.podium.gateway.screen.WebmSamples.SEEK_HEAD;
import static dev.podium.gateway.screen.WebmSamples.SEGMENT;
import static dev.podium.gateway.screen.WebmSamples.VOID;
import static dev.podium.gateway.screen.WebmSamples.concat;
import static dev.podium.gateway.screen.WebmSamples.ebmlHeader;
import static dev.podium.gateway.screen.WebmSamples.element;
import static dev.podium.gateway.screen.WebmSamples.id;
import static dev.podium.gateway.screen.WebmSamples.liveCluster;
import static dev.podium.gateway.screen.WebmSamples.liveHeader;
import static dev.podium.gateway.screen.WebmSamples.segmentHeaderElements;
import static dev.podium.gateway.screen.WebmSamples.size;
import static dev.podium.gateway.screen.WebmSamples.unknownSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.gateway.screen.WebmInitScanner.Outcome;
import io.vertx.core.buffer.Buffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Where the initialisation segment of a WebM stream ends, however the stream is chunked, and how
 * the scan ends (always, and within the limit) on streams that are not WebM.
 */
class WebmInitScannerTest {
  private static final long LIMIT = 1024 * 1024;

  /**
   * Feeds the stream in chunks of the given sizes (the last one takes the rest); returns the
   * scanner.
   */
  private static WebmInitScanner scan(Buffer stream, long limit, int... sizes) {
    WebmInitScanner scanner = new WebmInitScanner(limit);
    int at = 0;
    for (int size : sizes) {
      scanner.feed(stream.getBuffer(at, Math.min(stream.length(), at + size)));
      at = Math.min(stream.length(), at + size);
    }
    if (at < stream.length()) {
      scanner.feed(stream.getBuffer(at, stream.length()));
    }
    return scanner;
  }

  @Test
  void findsTheFirstClusterOfRealChromiumRecordingsFedAsChromiumChunkedThem() {
    for (WebmSamples.Recording recording :
        new WebmSamples.Recording[] {WebmSamples.chromiumSplit(), WebmSamples.chromiumWhole()}) {
      WebmInitScanner scanner = new WebmInitScanner(LIMIT);
      Outcome outcome = Outcome.NEED_MORE;
      for (Buffer chunk : recording.chunks()) {
        outcome = scanner.feed(chunk);
        if (outcome != Outcome.NEED_MORE) {
          break;
        }
      }
      assertEquals(Outcome.FOUND, outcome);
      assertEquals(recording.initLength(), scanner.initLength());
      assertEquals(
          CLUSTER,
          recording.bytes().getUnsignedInt(recording.initLength()),
          "a Cluster starts there");
    }
  }

  @Test
  void theSameBoundaryWhereverTheStreamIsCut() {
    WebmSamples.Recording recording = WebmSamples.chromiumSplit();
    Buffer stream = recording.bytes().getBuffer(0, 600);
    for (int cut = 1; cut < stream.length(); cut++) {
      WebmInitScanner scanner = scan(stream, LIMIT, cut);
      assertEquals(Outcome.FOUND, scanner.outcome(), "cut at " + cut);
      assertEquals(recording.initLength(), scanner.initLength(), "cut at " + cut);
    }
    WebmInitScanner byteByByte = scan(stream, LIMIT, ones(stream.length()));
    assertEquals(recording.initLength(), byteByByte.initLength());
    Random random = new Random(13);
    for (int run = 0; run < 200; run++) {
      int[] sizes = new int[40];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = 1 + random.nextInt(random.nextBoolean() ? 4 : 64);
      }
      assertEquals(recording.initLength(), scan(stream, LIMIT, sizes).initLength(), "run " + run);
    }
  }

  @Test
  void aKnownSizeSegmentAndVoidOrSeekHeadBeforeTheTracksAreReadToo() {
    Buffer children =
        concat(
            element(SEEK_HEAD, new byte[12]), element(VOID, new byte[30]), segmentHeaderElements());
    Buffer cluster = liveCluster(0, 50);
    Buffer header =
        concat(
            ebmlHeader(),
            element(VOID, new byte[3]),
            id(SEGMENT),
            size(children.length() + cluster.length(), 8),
            children);
    WebmInitScanner scanner = scan(concat(header, cluster), LIMIT, 1, 2, 5);
    assertEquals(Outcome.FOUND, scanner.outcome());
    assertEquals(header.length(), scanner.initLength());
  }

  @Test
  void nothingIsDecidedUntilTheClusterIdIsComplete() {
    Buffer header = liveHeader();
    WebmInitScanner scanner = new WebmInitScanner(LIMIT);
    assertEquals(Outcome.NEED_MORE, scanner.feed(header));
    assertEquals(
        Outcome.NEED_MORE,
        scanner.feed(id(CLUSTER).getBuffer(0, 3)),
        "3 of the Cluster id's 4 bytes");
    assertEquals(-1, scanner.initLength());
    assertEquals(Outcome.FOUND, scanner.feed(Buffer.buffer(new byte[] {0x75, 1, -1})));
    assertEquals(header.length(), scanner.initLength());
    assertEquals(Outcome.FOUND, scanner.feed(Buffer.buffer("anything after")), "decided once");
    assertEquals(header.length(), scanner.initLength());
  }

  @Test
  void aStreamThatDoesNotStartWithTheEbmlHeaderIsNotWebmAtItsFirstId() {
    WebmInitScanner pcm = new WebmInitScanner(LIMIT);
    assertEquals(Outcome.NOT_WEBM, pcm.feed(Buffer.buffer(new byte[] {0x10, 0x00, 0x20, 0x00})));
    assertEquals(4, pcm.position(), "decided on the first element id");
    WebmInitScanner clusterFirst = new WebmInitScanner(LIMIT);
    assertEquals(
        Outcome.NOT_WEBM, clusterFirst.feed(liveCluster(3, 10)), "a stream joined mid-way");
    assertTrue(clusterFirst.reason().contains("not the EBML header"), clusterFirst.reason());
  }

  @Test
  void malformedElementsAreNotWebm() {
    Buffer segmentOpen = concat(ebmlHeader(), id(SEGMENT), unknownSize());
    // An id of more than 4 bytes (first byte 0x08).
    assertNotWebm(
        concat(segmentOpen, Buffer.buffer(new byte[] {0x08, 1, 2, 3, 4})),
        "does not start an element id");
    // A size of more than 8 bytes (first byte 0x00).
    assertNotWebm(
        concat(segmentOpen, id(INFO), Buffer.buffer(new byte[] {0, 1})), "longer than 8 bytes");
    // Unknown size on an element that must have one.
    assertNotWebm(concat(segmentOpen, id(INFO), unknownSize()), "unknown size");
    assertNotWebm(concat(id(WebmSamples.EBML), unknownSize()), "unknown size");
    // Something other than a Segment after the header, and a stray element inside it.
    assertNotWebm(concat(ebmlHeader(), liveCluster(0, 4)), "not a Segment");
    assertNotWebm(concat(segmentOpen, element(0xA3, new byte[4])), "not a Segment child");
    // A known-size Segment that ends before any Cluster, or a child that overruns it.
    Buffer info = segmentHeaderElements();
    assertNotWebm(
        concat(ebmlHeader(), id(SEGMENT), size(info.length()), info, liveCluster(0, 4)),
        "without a Cluster");
    assertNotWebm(concat(ebmlHeader(), id(SEGMENT), size(3), info), "beyond its Segment");
  }

  private static void assertNotWebm(Buffer stream, String why) {
    for (int cut = 1; cut <= stream.length(); cut++) {
      WebmInitScanner scanner = scan(stream, LIMIT, cut);
      assertEquals(Outcome.NOT_WEBM, scanner.outcome(), why + ", cut at " + cut);
      assertTrue(scanner.reason().contains(why), scanner.reason());
    }
  }

  @Test
  void aHugeDeclaredSizeIsTooLargeAtOnceWithoutWaitingForTheBytes() {
    Buffer stream = concat(ebmlHeader(), id(SEGMENT), unknownSize(), id(INFO), size((1L << 50), 8));
    WebmInitScanner scanner = scan(stream, LIMIT, 1);
    assertEquals(Outcome.TOO_LARGE, scanner.outcome());
    assertEquals(stream.length(), scanner.position(), "decided on the size field itself");
    assertTrue(scanner.reason().contains("beyond the 1048576-byte limit"), scanner.reason());
  }

  @Test
  void aHeaderThatNeverEndsStopsAtTheLimit() {
    WebmInitScanner scanner = new WebmInitScanner(LIMIT);
    scanner.feed(concat(ebmlHeader(), id(SEGMENT), unknownSize()));
    Buffer filler = element(VOID, new byte[4000]);
    int fed = 0;
    while (scanner.outcome() == Outcome.NEED_MORE && fed < 10 * LIMIT) {
      scanner.feed(filler);
      fed += filler.length();
    }
    assertEquals(Outcome.TOO_LARGE, scanner.outcome());
    assertTrue(scanner.position() <= LIMIT, "read " + scanner.position());
  }

  @Test
  void theClusterIdMustEndWithinTheLimit() {
    Buffer header = liveHeader();
    Buffer stream = concat(header, liveCluster(0, 10));
    WebmInitScanner exact = scan(stream, header.length() + 4, 7);
    assertEquals(Outcome.FOUND, exact.outcome());
    assertEquals(header.length(), exact.initLength());
    WebmInitScanner short1 = scan(stream, header.length() + 3, 7);
    assertEquals(Outcome.TOO_LARGE, short1.outcome());
    assertEquals(header.length() + 3, short1.position(), "not one byte read beyond the limit");
  }

  @Test
  void randomGarbageAfterAValidStartEndsTheScanWithinTheLimit() {
    Random random = new Random(7);
    long limit = 64 * 1024;
    for (int run = 0; run < 500; run++) {
      byte[] noise = new byte[(int) limit * 2];
      random.nextBytes(noise);
      Buffer stream = concat(ebmlHeader(), id(SEGMENT), unknownSize(), Buffer.buffer(noise));
      WebmInitScanner scanner = scan(stream, limit, 1 + random.nextInt(3000));
      // Garbage may by chance look like a Cluster: then it is found, within the limit.
      assertTrue(scanner.outcome() != Outcome.NEED_MORE, "run " + run);
      assertTrue(scanner.position() <= limit, "run " + run + " read " + scanner.position());
    }
  }

  private static int[] ones(int n) {
    int[] sizes = new int[n];
    java.util.Arrays.fill(sizes, 1);
    return sizes;
  }
}
