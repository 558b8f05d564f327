package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recording end to end on an all-in-one: the host starts and stops it, the room is told, the
 * recorder writes the room mix, the record lists it, and the file streamed over HTTP (ranges too)
 * is valid Ogg Opus whose tones sit where the chat says they were played.
 */
class RecordingEndToEndTest {
  private static final int AMPLITUDE = 8_000;
  private static final long ALIGNMENT_MS = 100;
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of("PODIUM_CLUSTER_PORT", "5895"));
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  private static CountDownLatch play(TestSocket host, int chunks, int[][] tones) {
    return Recordings.play(podium, host, chunks, tones, AMPLITUDE);
  }

  @Test
  void theHostRecordsTheRoomAndTheFilesTonesLineUpWithTheChat() throws Exception {
    TestSocket host = podium.goLive(node, "rhea");
    String eventId = host.eventId();
    TestSocket listener = podium.join(node, eventId, "leo");
    listener.expect("room_state", m -> !m.containsKey("recording"));

    // Only the host records, once; nothing to stop before it starts.
    listener.send(new JsonObject().put("type", "start_recording"));
    listener.expectError("not_host");
    host.send(new JsonObject().put("type", "stop_recording"));
    host.expectError("not_recording");

    host.send(new JsonObject().put("type", "start_recording"));
    JsonObject started = listener.expect("recording_started");
    host.expect("recording_started");
    String recordingId = started.getString("recording_id");
    Instant zero = Instant.parse(started.getString("started_at"));
    host.send(new JsonObject().put("type", "start_recording"));
    host.expectError("already_recording");
    // A late joiner knows before it speaks.
    TestSocket late = podium.join(node, eventId, "lena");
    assertEquals(
        recordingId,
        late.expect("room_state").getJsonObject("recording").getString("recording_id"));

    CountDownLatch played = play(host, 300, new int[][] {{100, 440}, {200, 880}});
    assertTrue(played.await(30, TimeUnit.SECONDS), "the host's audio was not sent in time");
    JsonObject toneA =
        host.expect("message_broadcast", m -> "tone 440".equals(m.getString("message")));
    JsonObject toneB =
        host.expect("message_broadcast", m -> "tone 880".equals(m.getString("message")));
    host.send(new JsonObject().put("type", "stop_recording"));
    JsonObject stopped = listener.expect("recording_stopped");
    assertEquals(recordingId, stopped.getString("recording_id"));

    int port = podium.port(node);
    JsonObject recording = awaitStopped(port, eventId, "rhea");
    assertEquals(recordingId, recording.getString("recording_id"));
    double seconds = recording.getDouble("duration_seconds");
    long wall = Duration.between(zero, Instant.parse(stopped.getString("stopped_at"))).toMillis();
    assertTrue(
        Math.abs(seconds * 1000 - wall) < 300,
        "duration " + seconds + " s against " + wall + " ms");
    assertEquals(new JsonArray(), recording.getJsonArray("gaps"));

    PodiumHarness.BytesReply whole =
        podium.getBytes(port, "/api/events/" + eventId + "/recording", "rhea", null);
    assertEquals(200, whole.status());
    assertEquals("audio/ogg; codecs=opus", whole.headers().get("Content-Type"));
    assertEquals("bytes", whole.headers().get("Accept-Ranges"));
    Path file = Recordings.save(whole.body());
    Recordings.assertValid(file);
    short[] pcm = Recordings.decode(file);
    assertEquals(wall, pcm.length / 48.0, 300, "the file plays as long as the recording ran");

    // Each tone starts where its chat line says, within 100 ms.
    long expectedA = Duration.between(zero, Instant.parse(toneA.getString("timestamp"))).toMillis();
    long expectedB = Duration.between(zero, Instant.parse(toneB.getString("timestamp"))).toMillis();
    long onsetA = Recordings.onsetMs(pcm, 440, AMPLITUDE, 0);
    long onsetB = Recordings.onsetMs(pcm, 880, AMPLITUDE, 0);
    System.out.printf(
        "recording alignment: 440 Hz at %d ms (chat %d ms), 880 Hz at %d ms (chat %d ms),"
            + " %d ms long (wall %d ms)%n",
        onsetA, expectedA, onsetB, expectedB, pcm.length / 48, wall);
    assertTrue(
        Math.abs(onsetA - expectedA) <= ALIGNMENT_MS,
        "440 Hz at " + onsetA + " ms, its chat line at " + expectedA + " ms");
    assertTrue(
        Math.abs(onsetB - expectedB) <= ALIGNMENT_MS,
        "880 Hz at " + onsetB + " ms, its chat line at " + expectedB + " ms");
    assertTrue(
        Recordings.onsetMs(Arrays.copyOf(pcm, (int) (expectedA - 200) * 48), 440, AMPLITUDE, 0) < 0,
        "silence before the first tone");

    // Ranges: what an audio element asks for to seek.
    byte[] all = whole.body();
    PodiumHarness.BytesReply part =
        podium.getBytes(port, "/api/events/" + eventId + "/recording", "rhea", "bytes=100-1099");
    assertEquals(206, part.status());
    assertEquals("bytes 100-1099/" + all.length, part.headers().get("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(all, 100, 1100), part.body());
    PodiumHarness.BytesReply tail =
        podium.getBytes(port, "/api/events/" + eventId + "/recording", "rhea", "bytes=-64");
    assertArrayEquals(Arrays.copyOfRange(all, all.length - 64, all.length), tail.body());
    PodiumHarness.BytesReply outside =
        podium.getBytes(
            port, "/api/events/" + eventId + "/recording", "rhea", "bytes=" + all.length + "-");
    assertEquals(416, outside.status());
    assertEquals("bytes */" + all.length, outside.headers().get("Content-Range"));
  }

  @Test
  void onlyTheHostDownloadsARecordingAndABadOneIsRefused() throws Exception {
    TestSocket host = podium.goLive(node, "rolf");
    String eventId = host.eventId();
    int port = podium.port(node);
    String uri = "/api/events/" + eventId + "/recording";
    // The record has the event a moment after it starts (written behind).
    assertTrue(
        Polls.eventually(
            () -> podium.getAs(port, "/api/events/" + eventId, "rolf").status() == 200, 15_000));
    assertEquals(404, podium.getBytes(port, uri, "rolf", null).status(), "nothing recorded yet");
    assertEquals(403, podium.getBytes(port, uri, "mallory", null).status());
    assertEquals(401, podium.getBytes(port, uri, null, null).status());
    assertEquals(
        400, podium.getBytes(port, uri + "?recording=..%2F..%2Fetc", "rolf", null).status());
    assertEquals(404, podium.getBytes(port, uri + "?recording=nosuchone", "rolf", null).status());
    assertEquals(
        404, podium.getBytes(port, "/api/events/nosuchevent/recording", "rolf", null).status());
  }

  @Test
  void aHostMayGoLiveRecordingAndEndingTheEventEndsTheRecording() throws Exception {
    TestSocket host =
        podium.connect(
            node, "/ws/stream/start/live/remy/?record=true&token=" + TestTokens.valid("remy"));
    host.expect("stream_link");
    host.expect("room_state");
    JsonObject started = host.expect("recording_started");
    String eventId = host.eventId();
    CountDownLatch played = play(host, 100, new int[][] {{25, 660}});
    assertTrue(played.await(20, TimeUnit.SECONDS));
    host.send(new JsonObject().put("type", "stream_ended").put("event_id", eventId));
    host.expect("stream_ended");
    JsonObject recording = awaitStopped(podium.port(node), eventId, "remy");
    assertEquals(started.getString("recording_id"), recording.getString("recording_id"));
    Path file =
        Recordings.save(
            podium
                .getBytes(podium.port(node), "/api/events/" + eventId + "/recording", "remy", null)
                .body());
    Recordings.assertValid(file);
    assertTrue(
        Recordings.onsetMs(Recordings.decode(file), 660, AMPLITUDE, 0) > 0, "the tone is in it");

    // A go-live asking for something else than true or false is told, and not recorded.
    TestSocket unsure =
        podium.connect(
            node, "/ws/stream/start/live/rick/?record=maybe&token=" + TestTokens.valid("rick"));
    unsure.expectError("bad_request");
    unsure.expect("room_state", m -> !m.containsKey("recording"));
  }

  /** The event's only recording once the record says it stopped. */
  private static JsonObject awaitStopped(int port, String eventId, String host) {
    JsonObject[] found = new JsonObject[1];
    boolean stopped =
        Polls.eventually(
            () -> {
              HttpReply reply = podium.getAs(port, "/api/events/" + eventId, host);
              if (reply.status() != 200) {
                return false;
              }
              JsonArray recordings = new JsonObject(reply.body()).getJsonArray("recordings");
              if (recordings == null || recordings.isEmpty()) {
                return false;
              }
              found[0] = recordings.getJsonObject(recordings.size() - 1);
              return found[0].getString("stopped_at") != null;
            },
            30_000);
    assertTrue(stopped, "the record never showed the recording stopped: " + found[0]);
    return found[0];
  }
}
