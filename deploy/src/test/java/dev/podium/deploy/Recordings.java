package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.recorder.ogg.OggPages;
import dev.podium.recorder.ogg.OpusHead;
import io.github.jaredmdobson.concentus.OpusDecoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A recording as a listener of it gets it: the file checked by Debian's {@code opusinfo} and
 * decoded (Concentus), the pre-skip dropped, and tones found in it by time.
 */
final class Recordings {
  private Recordings() {}

  /**
   * The host's microphone: 20 ms chunks of 48 kHz PCM in real time, silence but for a tone at each
   * of {@code tones} ({chunk index, frequency}; 30 chunks = 600 ms each). At a tone's first chunk
   * the host says so in the chat ("tone {frequency}"), at the same moment, so the chat line's time
   * is when the tone was played. The latch opens after {@code chunks} chunks.
   */
  static java.util.concurrent.CountDownLatch play(
      PodiumHarness podium, TestSocket host, int chunks, int[][] tones, int amplitude) {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger k = new java.util.concurrent.atomic.AtomicInteger();
    Audio.Sine[] sines = new Audio.Sine[tones.length];
    for (int i = 0; i < tones.length; i++) {
      sines[i] = new Audio.Sine(tones[i][1], amplitude);
    }
    podium
        .clientVertx()
        .setPeriodic(
            20,
            id -> {
              int chunk = k.getAndIncrement();
              if (chunk >= chunks) {
                podium.clientVertx().cancelTimer(id);
                done.countDown();
                return;
              }
              io.vertx.core.buffer.Buffer out =
                  io.vertx.core.buffer.Buffer.buffer(new byte[960 * 2]);
              for (int i = 0; i < tones.length; i++) {
                if (chunk >= tones[i][0] && chunk < tones[i][0] + 30) {
                  out = sines[i].next(960);
                  if (chunk == tones[i][0]) {
                    host.send(
                        new io.vertx.core.json.JsonObject()
                            .put("type", "broadcast_message")
                            .put("message", "tone " + tones[i][1]));
                  }
                }
              }
              host.sendBinary(out);
            });
    return done;
  }

  /** The PCM of the recording at 48 kHz, from its first playable sample. */
  static short[] decode(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      OggPages.Scan scan = OggPages.scan(channel);
      OpusHead head = OggPages.opusHead(scan);
      OpusDecoder decoder = new OpusDecoder(48_000, 1);
      List<short[]> frames = new ArrayList<>();
      int total = 0;
      short[] pcm = new short[5760];
      for (byte[] packet : OggPages.audioPackets(scan)) {
        int n = decoder.decode(packet, 0, packet.length, pcm, 0, pcm.length, false);
        frames.add(java.util.Arrays.copyOf(pcm, n));
        total += n;
      }
      short[] all = new short[total];
      int at = 0;
      for (short[] f : frames) {
        System.arraycopy(f, 0, all, at, f.length);
        at += f.length;
      }
      return java.util.Arrays.copyOfRange(all, Math.min(head.preSkip(), all.length), all.length);
    } catch (io.github.jaredmdobson.concentus.OpusException e) {
      throw new IOException("the recording does not decode", e);
    }
  }

  /**
   * Milliseconds into the recording where {@code frequency} first sounds at more than half of
   * {@code amplitude} (20 ms windows, 5 ms apart), or -1.
   */
  static long onsetMs(short[] pcm, double frequency, int amplitude, long fromMs) {
    int window = 960;
    for (int start = (int) (fromMs * 48); start + window <= pcm.length; start += 240) {
      short[] w = java.util.Arrays.copyOfRange(pcm, start, start + window);
      if (Audio.amplitudeAt(w, frequency) > amplitude * 0.5) {
        return start / 48;
      }
    }
    return -1;
  }

  /** Debian's opusinfo accepts the file (an Ogg Opus reader that is not ours). */
  static void assertValid(Path file) throws Exception {
    Process p = new ProcessBuilder("opusinfo", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "opusinfo did not finish");
    assertEquals(0, p.exitValue(), "opusinfo: " + out);
    assertTrue(!out.contains("WARNING") && !out.contains("Error"), "opusinfo: " + out);
  }

  static Path save(byte[] bytes) throws IOException {
    Path file = Files.createTempFile(Path.of("target"), "recording-", ".opus");
    Files.write(file, bytes);
    return file;
  }
}
