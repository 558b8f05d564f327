package dev.podium.recorder.ogg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggPagesTest {
  private static final int[] LENGTHS = {0, 1, 254, 255, 256, 510};

  @TempDir Path dir;

  @Test
  void lacingTakesOne255PerFull255BytesThenTheRemainder() {
    byte[] page = OggPage.build(0, 0, 1, 0, packets(LENGTHS));

    assertEquals(10, page[26]);
    byte[] lacing = Arrays.copyOfRange(page, 27, 37);
    assertArrayEquals(
        new byte[] {0, 1, (byte) 254, (byte) 255, 0, (byte) 255, 1, (byte) 255, (byte) 255, 0},
        lacing);
  }

  @Test
  void packetsOfEveryLacingShapeRoundTrip() throws IOException {
    List<byte[]> packets = packets(LENGTHS);
    Path file = write(OggPage.build(OggPage.BOS, 42, 9, 0, packets));

    OggPages.Scan scan = scan(file);

    assertEquals(1, scan.pages().size());
    assertFalse(scan.hasTail());
    OggPages.Page page = scan.pages().get(0);
    assertEquals(42, page.granule());
    assertEquals(9, page.serial());
    assertTrue(page.bos());
    assertSamePackets(packets, page.packets());
  }

  @Test
  void aPageHoldsAt255LacingValues() {
    assertEquals(27 + 255 + 65024, OggPage.build(0, 0, 1, 0, packets(65024)).length);
    assertThrows(IllegalArgumentException.class, () -> OggPage.build(0, 0, 1, 0, packets(65025)));
    assertThrows(
        IllegalArgumentException.class, () -> OggPage.build(0, 0, 1, 0, packets(255 * 200, 14000)));
  }

  @Test
  void aPacketContinuedAcrossPagesIsReassembled() throws IOException {
    byte[] big = packets(600).get(0);
    byte[] small = packets(5).get(0);
    byte[] first = OggPage.raw(0, -1, 3, 0, lacing(255, 255), Arrays.copyOf(big, 510));
    ByteBuffer rest = ByteBuffer.allocate(95).put(big, 510, 90).put(small);
    byte[] second = OggPage.raw(OggPage.CONTINUED, 960, 3, 1, lacing(90, 5), rest.array());

    OggPages.Scan scan = scan(write(first, second));

    assertEquals(List.of(), scan.pages().get(0).packets());
    assertTrue(scan.pages().get(0).endsInsidePacket());
    assertSamePackets(List.of(big, small), scan.pages().get(1).packets());
    assertFalse(scan.pages().get(1).endsInsidePacket());
  }

  @Test
  void aContinuationWhoseStartIsMissingIsSkipped() throws IOException {
    byte[] orphan =
        OggPage.raw(
            OggPage.CONTINUED,
            0,
            3,
            0,
            lacing(10, 2),
            new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});

    List<OggPages.Page> pages = scan(write(orphan)).pages();

    assertEquals(1, pages.size());
    assertSamePackets(List.of(new byte[] {11, 12}), pages.get(0).packets());
  }

  @Test
  void aCorruptPageEndsTheScanEvenIfValidPagesFollow() throws IOException {
    byte[] one = OggPage.build(OggPage.BOS, 0, 5, 0, packets(100));
    byte[] two = OggPage.build(0, 960, 5, 1, packets(100));
    byte[] three = OggPage.build(OggPage.EOS, 1920, 5, 2, packets(100));
    two[40] ^= 1;

    OggPages.Scan scan = scan(write(one, two, three));

    assertEquals(1, scan.pages().size());
    assertEquals(one.length, scan.validEnd());
    assertTrue(scan.hasTail());
    assertFalse(scan.endsWithEos());
  }

  @Test
  void aPageOfAnotherStreamEndsTheScan() throws IOException {
    byte[] ours = OggPage.build(OggPage.BOS, 0, 5, 0, packets(100));
    byte[] theirs = OggPage.build(OggPage.BOS, 0, 6, 0, packets(100));

    assertEquals(1, scan(write(ours, theirs)).pages().size());
  }

  static List<byte[]> packets(int... lengths) {
    Random random = new Random(lengths.length);
    List<byte[]> packets = new ArrayList<>();
    for (int length : lengths) {
      byte[] packet = new byte[length];
      random.nextBytes(packet);
      packets.add(packet);
    }
    return packets;
  }

  static void assertSamePackets(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "packet " + i);
    }
  }

  private static byte[] lacing(int... values) {
    byte[] lacing = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      lacing[i] = (byte) values[i];
    }
    return lacing;
  }

  private Path write(byte[]... pages) throws IOException {
    Path file = Files.createTempFile(dir, "pages", ".ogg");
    for (byte[] page : pages) {
      Files.write(file, page, StandardOpenOption.APPEND);
    }
    return file;
  }

  private static OggPages.Scan scan(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return OggPages.scan(channel);
    }
  }
}
