package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.PodiumProcess.Launch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every process of a local cluster (history, room, chat, presence, a gateway; each its own JVM)
 * stopped and started again, as after a maintenance window: the live rooms are gone, the record of
 * the events is not.
 */
class ClusterRestartHistoryTest {
  private static final List<PodiumProcess> PROCESSES = new ArrayList<>();

  @AfterAll
  static void stop() {
    PROCESSES.forEach(PodiumProcess::close);
  }

  @Test
  void theRecordOutlivesARestartOfEveryProcess() throws Exception {
    try (PodiumHarness clients = new PodiumHarness(Map.of("PODIUM_CLUSTER_PORT", "5891"))) {
      PodiumProcess.startAll(
          PROCESSES,
          clients.settings(),
          Map.of(),
          Launch.history("history"),
          Launch.room("room"),
          Launch.chat("chat"),
          Launch.presence("presence"),
          Launch.gateway("gateway"));
      PodiumProcess gateway = PROCESSES.get(PROCESSES.size() - 1);
      assertTrue(
          Polls.eventually(
              () -> clients.getPort(gateway.opsPort(), "/health/ready").status() == 200, 60_000),
          "the gateway never became ready");
      int port = gateway.port();
      TestSocket host = clients.goLiveAt(port, "hedda");
      String eventId = host.eventId();
      TestSocket ann = clients.joinAt(port, eventId, "ann");
      TestSocket bob = clients.joinAt(port, eventId, "bob");
      ann.expect("participant_list");
      bob.expect("participant_list");
      say(ann, "morning all");
      say(bob, "hi ann");
      host.send(new JsonObject().put("type", "remove_participant").put("participant_id", "bob"));
      bob.expect("removed");
      host.send(new JsonObject().put("type", "stream_ended").put("event_id", eventId));
      ann.expect("stream_ended");
      assertTrue(
          Polls.eventually(() -> complete(clients, port, eventId), 30_000),
          "the record never had the whole event before the restart");

      // Everything stops (SIGTERM), then everything starts again, in the same order.
      for (PodiumProcess p : PROCESSES) {
        p.stop();
      }
      List<PodiumProcess> restarted = new ArrayList<>();
      for (PodiumProcess p : PROCESSES) {
        restarted.add(p.restart());
      }
      PROCESSES.clear();
      PROCESSES.addAll(restarted);
      PodiumProcess gatewayAgain = restarted.get(restarted.size() - 1);
      int again = gatewayAgain.port();
      assertTrue(
          Polls.eventually(
              () -> clients.getPort(gatewayAgain.opsPort(), "/health/ready").status() == 200,
              60_000),
          "the gateway never became ready after the restart");

      assertTrue(
          Polls.eventually(
              () -> clients.getAs(again, "/api/events/" + eventId, "hedda").status() == 200,
              30_000),
          "the record does not answer after the restart");
      JsonObject summary =
          new JsonObject(clients.getAs(again, "/api/events/" + eventId, "hedda").body());
      assertEquals("host_ended", summary.getString("end_reason"));
      assertEquals(2, summary.getLong("unique_listeners"));
      assertEquals(1, summary.getLong("bans"));
      JsonObject chat =
          new JsonObject(clients.getAs(again, "/api/events/" + eventId + "/chat", "hedda").body());
      assertEquals(
          List.of("morning all", "hi ann"), column(chat.getJsonArray("messages"), "message"));
      JsonObject visits =
          new JsonObject(
              clients.getAs(again, "/api/events/" + eventId + "/attendance", "hedda").body());
      assertEquals(
          List.of("ann", "bob", "hedda"),
          column(visits.getJsonArray("attendance"), "user_id").stream().sorted().toList());
      JsonObject events =
          new JsonObject(clients.getAs(again, "/api/events?host=hedda", "hedda").body());
      assertEquals(List.of(eventId), column(events.getJsonArray("events"), "event_id"));
      // The live rooms did not survive: the event is over, and a new one can start.
      assertEquals(eventId.equals(clients.goLiveAt(again, "hedda").eventId()), false);
    }
  }

  private static void say(TestSocket sender, String text) {
    sender.send(new JsonObject().put("type", "broadcast_message").put("message", text));
    sender.expect("message_broadcast", m -> text.equals(m.getString("message")));
  }

  private static boolean complete(PodiumHarness clients, int port, String eventId) {
    HttpReply reply = clients.getAs(port, "/api/events/" + eventId, "hedda");
    if (reply.status() != 200) {
      return false;
    }
    JsonObject s = new JsonObject(reply.body());
    return s.getString("ended_at") != null
        && s.getLong("chat_messages") == 2
        && s.getLong("bans") == 1
        && s.getLong("visits") >= 3;
  }

  private static List<String> column(JsonArray rows, String key) {
    return rows.stream().map(r -> String.valueOf(((JsonObject) r).getValue(key))).toList();
  }
}
