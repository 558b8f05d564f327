package dev.podium.recorder.ogg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The reference tools (opus-tools, built on libopus and libogg) as a second opinion on our files:
 * our own reader agreeing with our own writer proves little.
 */
final class OpusTools {
  private OpusTools() {}

  /** opusinfo reads the file with no error and no warning. */
  static void assertAccepted(Path file) throws Exception {
    String out = run("opusinfo", file.toString());
    for (String line : out.split("\n")) {
      assertTrue(
          !line.contains("WARNING") && !line.contains("Error") && !line.contains("warning"),
          "opusinfo complains about " + file + ":\n" + out);
    }
  }

  /** Samples opusdec plays (pre-skip dropped, 48 kHz mono 16-bit). */
  static long decodedSamples(Path file, Path wav) throws Exception {
    run("opusdec", "--quiet", "--rate", "48000", file.toString(), wav.toString());
    byte[] bytes = Files.readAllBytes(wav);
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int chunk = 12; // after "RIFF", size, "WAVE"
    while (chunk + 8 <= bytes.length) {
      String id = new String(bytes, chunk, 4, StandardCharsets.US_ASCII);
      if (id.equals("data")) {
        return (bytes.length - chunk - 8) / 2;
      }
      chunk += 8 + in.getInt(chunk + 4);
    }
    throw new AssertionError("opusdec wrote no data chunk");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    if (!onPath(command[0])) {
      fail(
          command[0]
              + " is not on the PATH: install opus-tools (apt-get install -y opus-tools),"
              + " the reference check of our Ogg Opus files");
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), command[0] + " did not finish");
    assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + out);
    return out;
  }

  private static boolean onPath(String tool) throws IOException, InterruptedException {
    Process which = new ProcessBuilder("which", tool).redirectErrorStream(true).start();
    which.getInputStream().readAllBytes();
    return which.waitFor() == 0;
  }
}
