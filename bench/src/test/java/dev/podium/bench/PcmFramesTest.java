package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcmFramesTest {

  @Test
  void frameIsTwentyMillisecondsOfMonoPcm() {
    assertEquals(960, PcmFrames.FRAME_SAMPLES);
    assertEquals(1920, PcmFrames.frame(0).length());
    assertEquals(3 * 1920, PcmFrames.packet(0, 3).length());
  }

  @Test
  void markerRoundTripsAcrossTheSixteenBitBoundary() {
    for (int seq : new int[] {0, 1, 0xFFFF, 0x10000, 123_456, Integer.MAX_VALUE}) {
      Buffer frame = PcmFrames.frame(seq);
      assertEquals(0x7A7A, frame.getUnsignedShortLE(0));
      assertEquals(seq, PcmFrames.markerAt(frame, 0));
    }
  }

  @Test
  void corruptedOrSilentFramesHaveNoMarker() {
    Buffer frame = PcmFrames.frame(42);
    frame.setUnsignedShortLE(4, 43); // seq low word changed, checksum no longer matches
    assertEquals(-1, PcmFrames.markerAt(frame, 0));
    Buffer silence = Buffer.buffer(new byte[PcmFrames.FRAME_BYTES]);
    assertEquals(0, PcmFrames.scan(silence, seq -> {}));
    assertEquals(-1, PcmFrames.markerAt(Buffer.buffer(new byte[4]), 0));
  }

  @Test
  void restOfTheFrameIsAQuietContinuousSine() {
    Buffer a = PcmFrames.frame(0);
    Buffer b = PcmFrames.frame(1);
    int peak = 0;
    for (int i = 4; i < PcmFrames.FRAME_SAMPLES; i++) {
      peak = Math.max(peak, Math.abs(a.getShortLE(2 * i)));
      assertTrue(a.getUnsignedShortLE(2 * i) != PcmFrames.MAGIC);
    }
    assertTrue(peak > 900 && peak <= PcmFrames.SINE_AMPLITUDE, "peak " + peak);
    // Sample 960 of the stream (frame 1, sample 0 is the marker); sample 961 continues the sine.
    double expected = PcmFrames.SINE_AMPLITUDE * Math.sin(2 * Math.PI * 440 * 965 / 48_000.0);
    assertEquals(expected, b.getShortLE(2 * 5), 1.0);
  }

  @Test
  void scanFindsEveryFrameOfAMultiFramePacketAndBehindAHeader() {
    List<Integer> seen = new ArrayList<>();
    assertEquals(3, PcmFrames.scan(PcmFrames.packet(7, 3), seen::add));
    assertEquals(List.of(7, 8, 9), seen);

    seen.clear();
    Buffer withHeader =
        Buffer.buffer()
            .appendBytes(new byte[] {1, 2, 3, 4, 5})
            .appendBuffer(PcmFrames.packet(100, 2));
    assertEquals(2, PcmFrames.scan(withHeader, seen::add));
    assertEquals(List.of(100, 101), seen);
  }
}
