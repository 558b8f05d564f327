package dev.podium.recorder.ogg;

import static dev.podium.recorder.ogg.OggPagesTest.assertSamePackets;
import static dev.podium.recorder.ogg.OggPagesTest.packets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jaredmdobson.concentus.OpusEncoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggOpusWriterTest {
  @TempDir Path dir;

  @Test
  void headersComeFirstEachOnItsOwnPage() throws IOException {
    Path file = dir.resolve("headers.opus");
    try (FileChannel channel = open(file)) {
      OggOpusWriter.start(channel, 77, 312, 16_000, List.of("EVENT=e1", "TITLE=Ünïcode"));
    }

    OggPages.Scan scan = scan(file);

    assertEquals(2, scan.pages().size());
    OggPages.Page head = scan.pages().get(0);
    OggPages.Page tags = scan.pages().get(1);
    assertEquals(OggPage.BOS, head.flags());
    assertEquals(0, tags.flags());
    assertEquals(0, head.granule());
    assertEquals(0, tags.granule());
    assertEquals(1, head.packets().size());
    assertEquals(1, tags.packets().size());
    assertEquals(new OpusHead(1, 1, 312, 16_000), OpusHead.parse(head.packets().get(0)));
    assertEquals(
        new OpusTags("Podium", List.of("EVENT=e1", "TITLE=Ünïcode")),
        OpusTags.parse(tags.packets().get(0)));
  }

  @Test
  void aPageGoesOutWhenA26thPacketArrivesAndFinishMarksTheLast() throws IOException {
    Path file = dir.resolve("pages.opus");
    List<byte[]> audio = packets(java.util.stream.IntStream.range(50, 110).toArray());
    try (FileChannel channel = open(file)) {
      OggOpusWriter writer = OggOpusWriter.start(channel, 1, 0, 48_000, List.of());
      for (byte[] packet : audio) {
        writer.append(packet, 960);
      }
      assertEquals(4, scan(file).pages().size(), "the last 10 packets wait for more or finish");
      assertEquals(60 * 960, writer.granule());

      writer.finish();

      assertEquals(5, writer.pageSequence());
      assertEquals(Files.size(file), writer.bytesWritten());
      assertThrows(IllegalStateException.class, () -> writer.append(new byte[10], 960));
    }

    List<OggPages.Page> pages = scan(file).pages();
    assertEquals(List.of(25, 25, 10), packetCounts(pages.subList(2, 5)));
    assertEquals(List.of(0L, 0L, 25 * 960L, 50 * 960L, 60 * 960L), granules(pages));
    assertEquals(List.of(OggPage.BOS, 0, 0, 0, OggPage.EOS), flags(pages));
    assertSamePackets(audio, OggPages.audioPackets(scan(file)));
  }

  @Test
  void aPageGoesOutBeforeItWouldExceed255LacingValues() throws IOException {
    Path file = dir.resolve("big.opus");
    try (FileChannel channel = open(file)) {
      OggOpusWriter writer = OggOpusWriter.start(channel, 1, 0, 48_000, List.of());
      for (int i = 0; i < 24; i++) {
        writer.append(new byte[2550], 960); // 11 lacing values: 23 fit on a page
      }
      assertThrows(IllegalArgumentException.class, () -> writer.append(new byte[65025], 960));
      writer.finish();
    }

    assertEquals(List.of(23, 1), packetCounts(scan(file).pages().subList(2, 4)));
  }

  @Test
  void finishAfterFlushWritesAnEmptyEosPageThatToolsAccept() throws Exception {
    Path file = dir.resolve("empty-eos.opus");
    OpusEncoder encoder = TestAudio.encoder();
    try (FileChannel channel = open(file)) {
      OggOpusWriter writer =
          OggOpusWriter.start(channel, 1, encoder.getLookahead(), 48_000, List.of());
      for (byte[] packet : TestAudio.tone(encoder, 440, 0, 10)) {
        writer.append(packet, 960);
      }
      writer.flush();
      writer.finish();
    }

    List<OggPages.Page> pages = scan(file).pages();
    OggPages.Page last = pages.get(pages.size() - 1);
    assertEquals(4, pages.size());
    assertEquals(0, last.segments());
    assertEquals(OggPage.EOS, last.flags());
    assertEquals(-1, last.granule(), "no packet ends on the page");
    OpusTools.assertAccepted(file);
  }

  @Test
  void aToneSurvivesTheRoundTrip() throws Exception {
    Path file = dir.resolve("tone.opus");
    OpusEncoder encoder = TestAudio.encoder();
    int preSkip = encoder.getLookahead() * 48_000 / TestAudio.RATE;
    List<byte[]> audio = TestAudio.tone(encoder, 440, 0, 150); // 3 s
    try (FileChannel channel = open(file)) {
      OggOpusWriter writer = OggOpusWriter.start(channel, 0x5eed, preSkip, 48_000, List.of());
      for (byte[] packet : audio) {
        writer.append(packet, TestAudio.FRAME);
      }
      writer.finish();
    }

    OggPages.Scan scan = scan(file);
    List<OggPages.Page> pages = scan.pages();
    assertFalse(scan.hasTail());
    assertEquals(2 + 6, pages.size());
    long previous = 0;
    for (int i = 0; i < pages.size(); i++) {
      OggPages.Page page = pages.get(i);
      assertEquals(i, page.sequence());
      assertEquals(0x5eed, page.serial());
      assertEquals(i == 0, page.bos(), "BOS on page " + i);
      assertEquals(i == pages.size() - 1, page.eos(), "EOS on page " + i);
      assertTrue(page.granule() >= previous, "granule goes back on page " + i);
      previous = page.granule();
    }
    assertEquals(150 * 960, previous);
    assertTrue(preSkip > 0);
    assertEquals(new OpusHead(1, 1, preSkip, 48_000), OggPages.opusHead(scan));

    short[] pcm = TestAudio.decode(OggPages.audioPackets(scan));
    // Every sample the packets hold is decoded; a player drops the pre-skip. The encoder's
    // lookahead still holds the input's last preSkip samples, so playback is 3 s - preSkip.
    assertEquals(150 * 960, pcm.length);
    int second = preSkip + 48_000;
    double tone = TestAudio.power(pcm, second, second + 48_000, 440);
    double other = TestAudio.power(pcm, second, second + 48_000, 1000);
    assertTrue(tone > 1000 * other, "440 Hz " + tone + " vs 1000 Hz " + other);

    OpusTools.assertAccepted(file);
    assertEquals(previous - preSkip, OpusTools.decodedSamples(file, dir.resolve("tone.wav")));
  }

  static FileChannel open(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  static OggPages.Scan scan(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return OggPages.scan(channel);
    }
  }

  private static List<Integer> packetCounts(List<OggPages.Page> pages) {
    return pages.stream().map(page -> page.packets().size()).toList();
  }

  private static List<Long> granules(List<OggPages.Page> pages) {
    return pages.stream().map(OggPages.Page::granule).toList();
  }

  private static List<Integer> flags(List<OggPages.Page> pages) {
    return pages.stream().map(OggPages.Page::flags).toList();
  }
}
