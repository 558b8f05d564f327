package dev.podium.recorder.ogg;

import static dev.podium.recorder.ogg.OggOpusWriterTest.open;
import static dev.podium.recorder.ogg.OggOpusWriterTest.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jaredmdobson.concentus.OpusEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recorder that crashed, or stopped and restarts, continues the same file. */
class OggResumeTest {
  private static final int SERIAL = 0xcafe;

  @TempDir Path dir;
  private int preSkip;

  @Test
  void aTornLastPageIsCutAndTheStreamContinues() throws Exception {
    Path file = dir.resolve("torn.opus");
    writeTone(file, 100, false); // 2 s, flushed as if the process died before finish
    List<OggPages.Page> written = scan(file).pages();
    OggPages.Page last = written.get(written.size() - 1);
    OggPages.Page kept = written.get(written.size() - 2);
    try (FileChannel channel = open(file)) {
      channel.truncate(last.offset() + last.length() / 2);
    }

    ResumePoint point;
    try (FileChannel channel = open(file)) {
      point = OggPages.repairForAppend(channel);
    }

    assertEquals(
        new ResumePoint(
            SERIAL, kept.sequence() + 1, 75 * 960, preSkip, false, kept.offset(), kept.end()),
        point);
    assertEquals(kept.end(), Files.size(file));

    resumeTone(file, point, 75, 50); // 1 s more
    assertCleanStream(file, 125);
  }

  @Test
  void garbageAfterAFinishedStreamIsCutAndTheStreamReopened() throws Exception {
    Path file = dir.resolve("garbage.opus");
    writeTone(file, 50, true);
    long size = Files.size(file);
    byte[] garbage = new byte[700];
    new Random(3).nextBytes(garbage);
    System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, garbage, 0, 4);
    Files.write(file, garbage, StandardOpenOption.APPEND);

    ResumePoint point;
    try (FileChannel channel = open(file)) {
      point = OggPages.repairForAppend(channel);
    }

    assertEquals(size, point.endOffset());
    assertEquals(size, Files.size(file));
    assertTrue(point.endsWithEos());
    assertEquals(50 * 960, point.granule());

    resumeTone(file, point, 50, 50);
    assertCleanStream(file, 100);
  }

  @Test
  void anEmptyEosPageIsDroppedOnResume() throws Exception {
    Path file = dir.resolve("empty-eos.opus");
    writeTone(file, 25, false);
    try (FileChannel channel = open(file)) {
      OggOpusWriter.resume(channel, OggPages.repairForAppend(channel)).finish();
    }
    assertEquals(0, scan(file).pages().get(3).segments());

    try (FileChannel channel = open(file)) {
      ResumePoint point = OggPages.repairForAppend(channel);
      assertEquals(25 * 960, point.granule(), "the empty page's granule -1 is no position");
      assertEquals(3, OggOpusWriter.resume(channel, point).pageSequence(), "the page is reused");
    }
    assertEquals(3, scan(file).pages().size());
  }

  @Test
  void aCorruptPageInTheMiddleCutsEverythingAfterIt() throws Exception {
    Path file = dir.resolve("corrupt.opus");
    writeTone(file, 100, true);
    OggPages.Page middle = scan(file).pages().get(3);
    try (FileChannel channel = open(file)) {
      channel.write(ByteBuffer.wrap(new byte[] {0x55, 0x55}), middle.offset() + 60);
      assertEquals(middle.offset(), OggPages.repairForAppend(channel).endOffset());
    }
    assertEquals(3, scan(file).pages().size());
  }

  @Test
  void aFileThatIsNotOggIsRefusedUntouched() throws IOException {
    Path file = dir.resolve("notes.txt");
    String text = "these are not the pages you are looking for, not at all";
    Files.writeString(file, text);

    IOException e = assertThrows(IOException.class, () -> repair(file));

    assertTrue(e.getMessage().contains("not an Ogg Opus stream"), e.getMessage());
    assertEquals(text.length(), Files.size(file));
    Files.write(file, new byte[0]);
    assertThrows(IOException.class, () -> repair(file));
  }

  @Test
  void oggWithoutOpusHeadersIsRefused() throws IOException {
    Path vorbis = dir.resolve("vorbis.ogg");
    byte[] notOpus = "\u0001vorbis and then some bytes".getBytes(StandardCharsets.US_ASCII);
    Files.write(vorbis, OggPage.build(OggPage.BOS, 0, 1, 0, List.of(notOpus)));
    IOException e = assertThrows(IOException.class, () -> repair(vorbis));
    assertTrue(e.getMessage().contains("OpusHead"), e.getMessage());

    Path headOnly = dir.resolve("head-only.opus");
    Files.write(
        headOnly, OggPage.build(OggPage.BOS, 0, 1, 0, List.of(OpusHead.mono(312, 48_000).bytes())));
    e = assertThrows(IOException.class, () -> repair(headOnly));
    assertTrue(e.getMessage().contains("OpusTags"), e.getMessage());
  }

  private static ResumePoint repair(Path file) throws IOException {
    try (FileChannel channel = open(file)) {
      return OggPages.repairForAppend(channel);
    }
  }

  private void writeTone(Path file, int frames, boolean finish) throws Exception {
    OpusEncoder encoder = TestAudio.encoder();
    preSkip = encoder.getLookahead();
    try (FileChannel channel = open(file)) {
      OggOpusWriter writer = OggOpusWriter.start(channel, SERIAL, preSkip, 48_000, List.of());
      for (byte[] packet : TestAudio.tone(encoder, 440, 0, frames)) {
        writer.append(packet, TestAudio.FRAME);
      }
      if (finish) {
        writer.finish();
      } else {
        writer.flush();
      }
    }
  }

  /** A fresh encoder, as after a restart, continues the tone where the file's granule stops. */
  private void resumeTone(Path file, ResumePoint point, int fromFrame, int frames)
      throws Exception {
    try (FileChannel channel = open(file)) {
      OggOpusWriter writer = OggOpusWriter.resume(channel, point);
      for (byte[] packet :
          TestAudio.tone(TestAudio.encoder(), 440, (long) fromFrame * TestAudio.FRAME, frames)) {
        writer.append(packet, TestAudio.FRAME);
      }
      writer.finish();
      assertEquals(Files.size(file), writer.bytesWritten());
    }
  }

  private void assertCleanStream(Path file, int frames) throws Exception {
    OggPages.Scan scan = scan(file);
    List<OggPages.Page> pages = scan.pages();
    assertFalse(scan.hasTail());
    long previous = 0;
    for (int i = 0; i < pages.size(); i++) {
      OggPages.Page page = pages.get(i);
      assertEquals(i, page.sequence());
      assertEquals(SERIAL, page.serial());
      assertEquals(i == 0, page.bos(), "BOS on page " + i);
      assertEquals(i == pages.size() - 1, page.eos(), "EOS on page " + i);
      assertTrue(page.segments() > 0, "empty page " + i);
      assertTrue(page.granule() >= previous, "granule goes back on page " + i);
      previous = page.granule();
    }
    assertEquals((long) frames * 960, previous);
    assertEquals(frames, OggPages.audioPackets(scan).size());
    assertEquals(frames * 960, TestAudio.decode(OggPages.audioPackets(scan)).length);
    OpusTools.assertAccepted(file);
    assertEquals(previous - preSkip, OpusTools.decodedSamples(file, dir.resolve("out.wav")));
  }
}
