package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.podium.runtime.ClusterReach;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A live event's chat ring lost from the cluster (its member and both backups gone at once, done
 * here by destroying the cluster's structures): the next messages are numbered on from the record's
 * last id, joiners get the last messages again from the record, and the record keeps every line
 * under its own id. Before, ids restarted at 1 and the record kept the old lines under them.
 */
class ChatRingLossTest {
  private static final long WAIT_MS = 30_000;

  @Test
  void aLostRingIsNumberedOnAndRefilledFromTheRecord() {
    try (PodiumHarness podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_CHAT_HISTORY", "4",
                "PODIUM_CHAT_RATE_PER_SECOND", "1000",
                "PODIUM_RATE_CHAT_BURST", "1000",
                "PODIUM_RATE_CHAT_PER_MIN", "100000"))) {
      Vertx node = podium.startAllInOne();
      int port = podium.port(node);
      TestSocket host = podium.goLive(node, "rhea");
      String eventId = host.eventId();
      host.expect("chat_history");
      for (int i = 1; i <= 5; i++) {
        chat(host, "line " + i, i);
      }
      awaitTranscript(podium, port, eventId, 5);

      // Ring and numbering both lost: numbering starts after the record's last id.
      HazelcastInstance hazelcast = hazelcast(node);
      hazelcast.getRingbuffer("podium.chat." + eventId).destroy();
      hazelcast.getMap("podium.chat-ids").remove(eventId);
      chat(host, "line 6", 6);
      assertEquals(
          List.of(3L, 4L, 5L, 6L),
          ids(podium.join(node, eventId, "late-1").expect("chat_history")),
          "a joiner gets the last 4 messages, the older ones from the record");

      // Ring alone lost, numbering kept: the next message goes on from the numbering, and its
      // being the ring's first entry sets off a refill behind it; joiners then get the last lines.
      awaitTranscript(podium, port, eventId, 6);
      hazelcast.getRingbuffer("podium.chat." + eventId).destroy();
      chat(host, "line 7", 7);
      int[] joiner = {1};
      assertTrue(
          Polls.eventually(
              () ->
                  ids(podium.join(node, eventId, "late-" + ++joiner[0]).expect("chat_history"))
                      .equals(List.of(4L, 5L, 6L, 7L)),
              WAIT_MS),
          "joiners never got the last lines back");

      // The record: every line once, under its own id.
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 7; i++) {
        expected.add(i + ":line " + i);
      }
      awaitTranscript(podium, port, eventId, 7);
      assertEquals(expected, transcript(podium, port, eventId));
    }
  }

  private static void chat(TestSocket sender, String text, long id) {
    sender.send(new JsonObject().put("type", "broadcast_message").put("message", text));
    JsonObject echoed =
        sender.expect("message_broadcast", m -> text.equals(m.getString("message")));
    assertEquals(id, echoed.getLong("id"), text);
  }

  private static List<Long> ids(JsonObject chatHistory) {
    JsonArray messages = chatHistory.getJsonArray("messages");
    return messages.stream().map(m -> ((JsonObject) m).getLong("id")).toList();
  }

  private static void awaitTranscript(PodiumHarness podium, int port, String eventId, int lines) {
    assertTrue(
        Polls.eventually(() -> transcript(podium, port, eventId).size() >= lines, WAIT_MS),
        "the record never had " + lines + " lines");
  }

  private static List<String> transcript(PodiumHarness podium, int port, String eventId) {
    HttpReply reply =
        podium.getAs(port, "/api/events/" + eventId + "/chat?limit=1000&after=0", "rhea");
    if (reply.status() != 200) {
      return List.of();
    }
    return new JsonObject(reply.body())
        .getJsonArray("messages").stream()
            .map(m -> ((JsonObject) m).getLong("id") + ":" + ((JsonObject) m).getString("message"))
            .toList();
  }

  private static HazelcastInstance hazelcast(Vertx node) {
    return ClusterReach.hazelcast(node).orElseThrow();
  }
}
