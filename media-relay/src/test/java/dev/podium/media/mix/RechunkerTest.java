package dev.podium.media.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PcmDecoder} and {@link Rechunker} together: bytes in chunks of any size to whole frames.
 */
class RechunkerTest {
  private static final int FRAME = 960;

  /** A speaker's bytes as the mixer takes them: decoded, then cut into frames. */
  private static final class Bytes {
    final PcmDecoder decoder = new PcmDecoder();
    final Rechunker rechunker = new Rechunker(FRAME);

    List<short[]> push(byte[] bytes, int offset, int length) {
      short[] samples = decoder.decode(bytes, offset, length);
      return rechunker.push(samples, 0, samples.length);
    }

    boolean partial() {
      return rechunker.partial() || decoder.pending();
    }
  }

  /** A deterministic stream of samples covering the whole range, negatives included. */
  private static short[] samples(int count) {
    short[] s = new short[count];
    Random random = new Random(42);
    for (int i = 0; i < count; i++) {
      s[i] = (short) random.nextInt();
    }
    s[0] = Short.MIN_VALUE;
    s[1] = Short.MAX_VALUE;
    s[2] = -1;
    s[3] = 0;
    s[4] = 1;
    s[5] = -256;
    s[6] = 255;
    return s;
  }

  private static byte[] le(short[] samples) {
    byte[] out = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      out[2 * i] = (byte) (samples[i] & 0xff);
      out[2 * i + 1] = (byte) ((samples[i] >> 8) & 0xff);
    }
    return out;
  }

  private static List<short[]> pushInChunks(byte[] bytes, int chunk) {
    Bytes r = new Bytes();
    List<short[]> frames = new ArrayList<>();
    for (int off = 0; off < bytes.length; off += chunk) {
      frames.addAll(r.push(bytes, off, Math.min(chunk, bytes.length - off)));
    }
    return frames;
  }

  private static void assertSameFrames(List<short[]> expected, List<short[]> actual) {
    assertEquals(expected.size(), actual.size(), "frame count");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
    }
  }

  @Test
  void oneBigPushGivesExactSamplesInWholeFrames() {
    short[] s = samples(FRAME * 5 + 123);
    List<short[]> frames = new Bytes().push(le(s), 0, s.length * 2);
    assertEquals(5, frames.size());
    for (int f = 0; f < 5; f++) {
      assertEquals(FRAME, frames.get(f).length);
      for (int i = 0; i < FRAME; i++) {
        assertEquals(s[f * FRAME + i], frames.get(f)[i], "frame " + f + " sample " + i);
      }
    }
  }

  @Test
  void decodesLittleEndianSignedSamples() {
    short[] s = new short[FRAME];
    s[0] = Short.MIN_VALUE;
    s[1] = Short.MAX_VALUE;
    s[2] = -1;
    s[3] = -2;
    s[4] = 0x0102;
    s[5] = -300;
    byte[] bytes = le(s);
    // spot-check the encoding used by the test itself: 0x0102 little-endian is 02 01
    assertEquals(0x02, bytes[8]);
    assertEquals(0x01, bytes[9]);
    List<short[]> frames = new Bytes().push(bytes, 0, bytes.length);
    assertEquals(1, frames.size());
    short[] f = frames.get(0);
    assertEquals(-32768, f[0]);
    assertEquals(32767, f[1]);
    assertEquals(-1, f[2]);
    assertEquals(-2, f[3]);
    assertEquals(258, f[4]);
    assertEquals(-300, f[5]);
  }

  @Test
  void oddChunkSizesGiveTheSameFramesAsOneBigPush() {
    short[] s = samples(FRAME * 12 + 7);
    byte[] bytes = le(s);
    List<short[]> reference = new Bytes().push(bytes, 0, bytes.length);
    assertEquals(12, reference.size());
    for (int chunk :
        new int[] {1, 2, 3, 7, 1001, 1919, 1920, 1921, 4096 * 2, 4096 * 2 + 1, 100_000}) {
      List<short[]> frames = pushInChunks(bytes, chunk);
      assertEquals(reference.size(), frames.size(), "chunk " + chunk);
      assertSameFrames(reference, frames);
    }
  }

  @Test
  void randomChunkSizesGiveTheSameFrames() {
    short[] s = samples(FRAME * 20);
    byte[] bytes = le(s);
    List<short[]> reference = new Bytes().push(bytes, 0, bytes.length);
    Random random = new Random(7);
    Bytes r = new Bytes();
    List<short[]> frames = new ArrayList<>();
    int off = 0;
    while (off < bytes.length) {
      int n = Math.min(bytes.length - off, random.nextInt(3000));
      frames.addAll(r.push(bytes, off, n));
      off += n;
    }
    assertSameFrames(reference, frames);
  }

  @Test
  void sampleSplitAcrossTwoPushes() {
    short[] s = new short[FRAME];
    for (int i = 0; i < FRAME; i++) {
      s[i] = (short) (-12345 + i * 17);
    }
    byte[] bytes = le(s);
    Bytes r = new Bytes();
    // first push ends on the low byte of sample 2
    assertTrue(r.push(bytes, 0, 5).isEmpty());
    // second push starts with the high byte of sample 2
    List<short[]> frames = r.push(bytes, 5, bytes.length - 5);
    assertEquals(1, frames.size());
    assertArrayEquals(s, frames.get(0));
  }

  @Test
  void pushesWithAnOffsetIntoALargerArray() {
    short[] s = samples(FRAME);
    byte[] inner = le(s);
    byte[] outer = new byte[inner.length + 13];
    System.arraycopy(inner, 0, outer, 5, inner.length);
    Bytes r = new Bytes();
    assertTrue(r.push(outer, 5, 1001).isEmpty());
    List<short[]> frames = r.push(outer, 5 + 1001, inner.length - 1001);
    assertEquals(1, frames.size());
    assertArrayEquals(s, frames.get(0));
  }

  @Test
  void noFrameUntil960SamplesAreComplete() {
    short[] s = samples(FRAME * 2);
    byte[] bytes = le(s);
    Bytes r = new Bytes();
    // 959 samples and one byte of the 960th: nothing yet
    assertTrue(r.push(bytes, 0, FRAME * 2 - 1).isEmpty());
    assertTrue(r.push(bytes, 0, 0).isEmpty(), "an empty push completes nothing");
    // the last byte completes the frame
    List<short[]> frames = r.push(bytes, FRAME * 2 - 1, 1);
    assertEquals(1, frames.size());
    assertEquals(s[FRAME - 1], frames.get(0)[FRAME - 1]);
    // the next frame starts cleanly
    assertTrue(r.push(bytes, FRAME * 2, FRAME * 2 - 2).isEmpty());
    frames = r.push(bytes, FRAME * 4 - 2, 2);
    assertEquals(1, frames.size());
    assertEquals(s[FRAME], frames.get(0)[0]);
    assertEquals(s[2 * FRAME - 1], frames.get(0)[FRAME - 1]);
  }

  @Test
  void framesAreIndependentCopies() {
    short[] s = samples(FRAME * 2);
    List<short[]> frames = new Bytes().push(le(s), 0, s.length * 2);
    assertEquals(2, frames.size());
    assertEquals(s[0], frames.get(0)[0]);
    assertEquals(s[FRAME], frames.get(1)[0]);
  }

  @Test
  void partialTellsWhetherAFrameIsSplitAcrossChunks() {
    Bytes r = new Bytes();
    assertTrue(!r.partial());
    r.push(new byte[FRAME * 2], 0, FRAME * 2);
    assertTrue(!r.partial(), "a whole frame");
    r.push(new byte[4096 * 2], 0, 4096 * 2);
    assertTrue(r.partial(), "4096 samples: 4 frames and 256 samples of the next");
    r.push(new byte[(FRAME - 256) * 2], 0, (FRAME - 256) * 2);
    assertTrue(!r.partial(), "completed");
    r.push(new byte[3], 0, 3);
    assertTrue(r.partial(), "one sample and an odd byte");
  }
}
