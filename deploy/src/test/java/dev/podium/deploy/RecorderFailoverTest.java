package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.PodiumProcess.Launch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two recorders, each its own JVM sharing one recordings folder; the one writing an event's
 * recording is killed with SIGKILL mid-event. The other takes the event over and continues the same
 * file: it stays valid Ogg Opus, the time nobody wrote is silence and a gap in the record where the
 * kill happened, and what was played after the takeover sits where the chat says.
 */
class RecorderFailoverTest {
  private static final int AMPLITUDE = 8_000;
  private static final List<PodiumProcess> RECORDERS = new ArrayList<>();
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() throws Exception {
    podium = new PodiumHarness(Map.of("PODIUM_CLUSTER_PORT", "5897"));
    node =
        podium.startCustom(
            (vertx, settings) ->
                TestDeployments.withoutRecorder(
                        vertx,
                        settings.with(
                            Map.of("PODIUM_DATA_DIR", TestDataDirs.create("failover-core"))))
                    .map(PodiumNode.Started::httpPort));
    String folder = TestDataDirs.create("shared-recordings");
    PodiumProcess.startAll(
        RECORDERS,
        podium.settings(),
        Map.of("PODIUM_RECORDINGS_DIR", folder),
        Launch.recorder("recorder-1"),
        Launch.recorder("recorder-2"));
  }

  @AfterAll
  static void stop() {
    RECORDERS.forEach(PodiumProcess::close);
    podium.close();
  }

  private static boolean writes(PodiumProcess recorder) {
    HttpReply metrics = podium.getPort(recorder.opsPort(), "/metrics");
    return metrics.status() == 200
        && metrics.metric("podium_owned_events", "service=\"recorder\"").orElse(0) == 1;
  }

  @Test
  void aKilledRecordersRecordingIsContinuedByAnotherWithTheGapMarked() throws Exception {
    // Both recorders in the ring before the event, so that one owns it and the other can take it.
    assertTrue(
        Polls.eventually(
            () -> RECORDERS.stream().allMatch(r -> r.printed("recorder ready")), 60_000),
        "the recorders never became ready");
    TestSocket host =
        podium.connect(
            node, "/ws/stream/start/live/kira/?record=true&token=" + TestTokens.valid("kira"));
    host.expect("stream_link");
    JsonObject started = host.expect("recording_started");
    String eventId = host.eventId();
    Instant zero = Instant.parse(started.getString("started_at"));
    // Tone A at 1 s; the owner is killed at about 3 s; tone B at 15 s, well after the takeover.
    CountDownLatch played =
        Recordings.play(podium, host, 850, new int[][] {{50, 440}, {750, 880}}, AMPLITUDE);
    assertTrue(
        Polls.eventually(() -> RECORDERS.stream().anyMatch(RecorderFailoverTest::writes), 15_000),
        "no recorder took the recording");
    PodiumProcess owner = RECORDERS.stream().filter(RecorderFailoverTest::writes).findFirst().get();
    PodiumProcess other = RECORDERS.stream().filter(r -> r != owner).findFirst().get();
    JsonObject toneA =
        host.expect("message_broadcast", m -> "tone 440".equals(m.getString("message")));
    assertTrue(
        Polls.eventually(() -> Duration.between(zero, Instant.now()).toMillis() >= 3_000, 10_000));
    Instant killedAt = Instant.now();
    owner.kill();
    assertTrue(Polls.eventually(() -> writes(other), 20_000), "the other recorder never took over");
    long tookOverMs = Duration.between(killedAt, Instant.now()).toMillis();
    assertTrue(played.await(40, TimeUnit.SECONDS), "the host's audio was not sent in time");
    JsonObject toneB =
        host.expect("message_broadcast", m -> "tone 880".equals(m.getString("message")));
    host.send(new JsonObject().put("type", "stop_recording"));
    JsonObject stopped = host.expect("recording_stopped");

    int port = podium.port(node);
    JsonObject recording = awaitStopped(port, eventId);
    PodiumHarness.BytesReply file =
        podium.getBytes(port, "/api/events/" + eventId + "/recording", "kira", null);
    assertEquals(200, file.status());
    Path saved = Recordings.save(file.body());
    Recordings.assertValid(saved);
    short[] pcm = Recordings.decode(saved);

    long killMs = Duration.between(zero, killedAt).toMillis();
    JsonArray gaps = recording.getJsonArray("gaps");
    assertEquals(1, gaps.size(), "one gap: " + gaps);
    long from = gaps.getJsonObject(0).getLong("from_ms");
    long to = gaps.getJsonObject(0).getLong("to_ms");
    long expectedA = Duration.between(zero, Instant.parse(toneA.getString("timestamp"))).toMillis();
    long expectedB = Duration.between(zero, Instant.parse(toneB.getString("timestamp"))).toMillis();
    long onsetA = Recordings.onsetMs(pcm, 440, AMPLITUDE, 0);
    long onsetB = Recordings.onsetMs(pcm, 880, AMPLITUDE, 0);
    long wall = Duration.between(zero, Instant.parse(stopped.getString("stopped_at"))).toMillis();
    System.out.printf(
        "recorder failover: killed at %d ms, taken over %d ms later; gap %d-%d ms; 440 Hz at %d"
            + " (chat %d), 880 Hz at %d (chat %d); %d ms long (wall %d)%n",
        killMs, tookOverMs, from, to, onsetA, expectedA, onsetB, expectedB, pcm.length / 48, wall);
    // What the killed recorder wrote is kept up to its last page: at most 0.5 s before the kill,
    // or 2.5 s early in a run (frames are held 2 s to anchor it), and the gap ends when the other
    // one took over.
    assertTrue(
        from <= killMs + 100 && from >= killMs - 3_000, "gap from " + from + ", kill at " + killMs);
    assertTrue(to > killMs && to <= killMs + tookOverMs + 1_000, "gap to " + to);
    // Here the mix crosses to another JVM on a machine running a dozen: the bound is 150 ms, not
    // the 100 ms RecordingEndToEndTest holds a recorder to (docs/recording.md has the figures).
    assertTrue(Math.abs(onsetA - expectedA) <= 150, "440 Hz at " + onsetA + ", chat " + expectedA);
    assertTrue(Math.abs(onsetB - expectedB) <= 150, "880 Hz at " + onsetB + ", chat " + expectedB);
    assertEquals(wall, pcm.length / 48.0, 300, "the file plays as long as the recording ran");
  }

  private static JsonObject awaitStopped(int port, String eventId) {
    JsonObject[] found = new JsonObject[1];
    boolean stopped =
        Polls.eventually(
            () -> {
              HttpReply reply = podium.getAs(port, "/api/events/" + eventId, "kira");
              if (reply.status() != 200) {
                return false;
              }
              JsonArray recordings = new JsonObject(reply.body()).getJsonArray("recordings");
              if (recordings == null || recordings.isEmpty()) {
                return false;
              }
              found[0] = recordings.getJsonObject(0);
              return found[0].getString("stopped_at") != null;
            },
            30_000);
    assertTrue(stopped, "the record never showed the recording stopped: " + found[0]);
    return found[0];
  }
}
