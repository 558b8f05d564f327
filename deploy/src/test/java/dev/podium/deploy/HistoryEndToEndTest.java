package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.ops.Observability;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The record of events end to end: real clients through a real gateway, the services' notices, the
 * history-service and a real PostgreSQL, read back over the REST API. What a team that runs rooms
 * relies on afterwards: a restart loses nothing, and a database outage during a live event loses no
 * acknowledged chat line.
 */
class HistoryEndToEndTest {
  private static final long WAIT_MS = 30_000;

  @Test
  void pastEventsAttendanceTranscriptsAndBansOutliveARestartOfTheAllInOne() throws Exception {
    try (PodiumHarness clients = new PodiumHarness(Map.of("PODIUM_CLUSTER_PORT", "5885"));
        PodiumProcess first =
            PodiumProcess.start(
                "history-all-in-one",
                AllInOneMain.class,
                clients.settings(),
                Map.of(),
                "Podium is running (all-in-one)")) {
      int port = first.port();
      TestSocket host = clients.goLiveAt(port, "hana");
      String eventId = host.eventId();
      TestSocket ann = clients.joinAt(port, eventId, "ann");
      TestSocket bob = clients.joinAt(port, eventId, "bob");
      ann.expect("participant_list");
      bob.expect("participant_list");
      chat(ann, "first from ann");
      chat(bob, "then bob");
      chat(ann, "ann again");
      host.send(new JsonObject().put("type", "remove_participant").put("participant_id", "bob"));
      bob.expect("removed");
      host.send(new JsonObject().put("type", "stream_ended").put("event_id", eventId));
      ann.expect("stream_ended");
      // Written behind: wait until the record has it all, then restart.
      assertTrue(
          Polls.eventually(() -> recordComplete(clients, port, eventId), WAIT_MS),
          "the record never had the whole event before the restart");
      first.stop();
      try (PodiumProcess second = first.restart()) {
        int again = second.port();
        JsonObject events = json(clients.getAs(again, "/api/events?host=hana", "hana"));
        assertEquals(List.of(eventId), ids(events.getJsonArray("events"), "event_id"));
        JsonObject summary = json(clients.getAs(again, "/api/events/" + eventId, "hana"));
        assertEquals("host_ended", summary.getString("end_reason"));
        assertEquals(2, summary.getLong("unique_listeners"));
        assertEquals(2, summary.getLong("peak_listeners"));
        assertEquals(1, summary.getLong("bans"));
        assertEquals(3, summary.getLong("chat_messages"));
        JsonObject transcript =
            json(clients.getAs(again, "/api/events/" + eventId + "/chat", "hana"));
        assertEquals(
            List.of("first from ann", "then bob", "ann again"),
            ids(transcript.getJsonArray("messages"), "message"));
        JsonObject attendance =
            json(clients.getAs(again, "/api/events/" + eventId + "/attendance", "hana"));
        assertEquals(
            List.of("ann", "bob", "hana"),
            ids(attendance.getJsonArray("attendance"), "user_id").stream().sorted().toList());
        // Nobody else reads it.
        assertEquals(403, clients.getAs(again, "/api/events/" + eventId, "ann").status());
        assertEquals(401, clients.getAs(again, "/api/events/" + eventId, null).status());
        // The ban is the event's record, and the event is over: a new event of the same host
        // starts with nobody banned.
        TestSocket hostAgain = clients.goLiveAt(again, "hana");
        TestSocket bobAgain = clients.joinAt(again, hostAgain.eventId(), "bob");
        bobAgain.expect("participant_list");
      }
    }
  }

  @Test
  void aDatabaseOutageDuringALiveEventLosesNoAcknowledgedChatLine() throws Exception {
    Path dataDir = Path.of(TestDataDirs.create("outage-postgres"));
    EmbeddedPostgres postgres = startPostgres(dataDir, 0);
    int dbPort = postgres.getPort();
    try (PodiumHarness podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_CLUSTER_PORT",
                "5887",
                "PODIUM_DB_URL",
                "postgresql://127.0.0.1:" + dbPort + "/postgres",
                "PODIUM_DB_USER",
                "postgres"))) {
      Vertx node = podium.startAllInOne();
      TestSocket host = podium.goLive(node, "hedy");
      String eventId = host.eventId();
      TestSocket ann = podium.join(node, eventId, "ann");
      TestSocket bob = podium.join(node, eventId, "bob");
      ann.expect("participant_list");
      bob.expect("participant_list");
      List<String> acknowledged = new ArrayList<>();
      long t = 0;
      // Before, during 30 s without a database, and after: two senders, 2.5 lines a second.
      acknowledged.addAll(chatFor(ann, bob, "before", Duration.ofSeconds(2)));
      postgres.close();
      long outage = System.nanoTime();
      acknowledged.addAll(chatFor(ann, bob, "during", Duration.ofSeconds(30)));
      double failures =
          Observability.registry(node)
              .find("podium_history_write_failures_total")
              .functionCounter()
              .count();
      assertTrue(failures > 0, "the writes failed while the database was down");
      assertTrue(
          Observability.registry(node).find("podium_history_pending").gauge().value() > 0,
          "what could not be written waits");
      postgres = startPostgres(dataDir, dbPort);
      t = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outage);
      acknowledged.addAll(chatFor(ann, bob, "after", Duration.ofSeconds(2)));
      int nodePort = podium.port(node);
      List<String> expected = acknowledged;
      assertTrue(
          Polls.eventually(
              () -> transcript(podium, nodePort, eventId).size() >= expected.size(), WAIT_MS),
          "the transcript never caught up after the database came back");
      List<String> written = transcript(podium, nodePort, eventId);
      assertEquals(
          expected,
          written,
          "every acknowledged line, in order, exactly once (outage " + t + " s)");
      assertEquals(
          0.0, Observability.registry(node).find("podium_history_pending").gauge().value());
    } finally {
      postgres.close();
    }
  }

  // --- helpers

  private static EmbeddedPostgres startPostgres(Path dataDir, int port) throws Exception {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
    if (port > 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  /**
   * Two senders take turns for {@code length}, a line every 400 ms; returns the lines the room
   * acknowledged (each sender saw its own line come back), in the order of their ids.
   */
  private static List<String> chatFor(TestSocket a, TestSocket b, String phase, Duration length) {
    List<JsonObject> seen = new ArrayList<>();
    long end = System.nanoTime() + length.toNanos();
    int n = 0;
    while (System.nanoTime() < end) {
      TestSocket sender = n % 2 == 0 ? a : b;
      String text = phase + " " + n;
      sender.send(new JsonObject().put("type", "broadcast_message").put("message", text));
      seen.add(sender.expect("message_broadcast", m -> text.equals(m.getString("message"))));
      n++;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(400));
    }
    return seen.stream()
        .sorted((x, y) -> Long.compare(x.getLong("id"), y.getLong("id")))
        .map(m -> m.getString("message"))
        .collect(Collectors.toList());
  }

  private static void chat(TestSocket sender, String text) {
    sender.send(new JsonObject().put("type", "broadcast_message").put("message", text));
    sender.expect("message_broadcast", m -> text.equals(m.getString("message")));
  }

  private static boolean recordComplete(PodiumHarness clients, int port, String eventId) {
    HttpReply reply = clients.getAs(port, "/api/events/" + eventId, "hana");
    if (reply.status() != 200) {
      return false;
    }
    JsonObject summary = new JsonObject(reply.body());
    return summary.getString("ended_at") != null
        && summary.getLong("chat_messages") == 3
        && summary.getLong("bans") == 1
        && summary.getLong("visits") >= 3;
  }

  private static List<String> transcript(PodiumHarness podium, int port, String eventId) {
    List<String> lines = new ArrayList<>();
    long after = 0;
    while (true) {
      HttpReply reply =
          podium.getAs(port, "/api/events/" + eventId + "/chat?limit=1000&after=" + after, "hedy");
      if (reply.status() != 200) {
        return List.of();
      }
      JsonObject page = new JsonObject(reply.body());
      lines.addAll(ids(page.getJsonArray("messages"), "message"));
      if (page.getLong("next") == null) {
        return lines;
      }
      after = page.getLong("next");
    }
  }

  private static JsonObject json(HttpReply reply) {
    assertEquals(200, reply.status(), reply.body());
    return new JsonObject(reply.body());
  }

  private static List<String> ids(JsonArray rows, String key) {
    return rows.stream().map(r -> String.valueOf(((JsonObject) r).getValue(key))).toList();
  }
}
