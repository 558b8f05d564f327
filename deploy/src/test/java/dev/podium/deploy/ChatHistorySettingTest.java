package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.podium.chat.ChatConfig;
import dev.podium.chat.ChatServiceVerticle;
import dev.podium.runtime.ClusterReach;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code PODIUM_CHAT_HISTORY} over its whole range, each value in an all-in-one of its own: the
 * node starts, chat messages get ids 1, 2, 3, ... and a joiner receives exactly the last N of them
 * (none for 0, and then nothing of the messages is kept in the cluster).
 */
class ChatHistorySettingTest {

  @ParameterizedTest(name = "PODIUM_CHAT_HISTORY={0}, {1} messages")
  @CsvSource({"0, 3", "5, 12", "1000, 1500", "100000, 1500"})
  void aJoinerGetsExactlyTheLastMessagesTheSettingKeeps(int historySize, int posted) {
    try (PodiumHarness podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_CHAT_HISTORY", String.valueOf(historySize),
                "PODIUM_CHAT_RATE_PER_SECOND", "10000",
                // The gateway's per-user chat budget too: this test is a history test, not a
                // person.
                "PODIUM_RATE_CHAT_BURST", "100000",
                "PODIUM_RATE_CHAT_PER_MIN", "1000000"))) {
      Vertx node = podium.startAllInOne();
      TestSocket host = podium.goLive(node, "host-" + historySize);
      String eventId = host.eventId();
      host.expect("chat_history");
      for (int i = 1; i <= posted; i++) {
        host.send(new JsonObject().put("type", "broadcast_message").put("message", "line " + i));
      }
      assertTrue(
          TestSocket.awaitCondition(() -> host.seen("message_broadcast").size() == posted, 30_000),
          "every message was broadcast: " + host.seen("message_broadcast").size());
      JsonObject last = host.seen("message_broadcast").get(posted - 1);
      assertEquals(posted, last.getLong("id"), "ids count up from 1 whatever the history size");

      JsonArray history =
          podium
              .join(node, eventId, "late-" + historySize)
              .expect("chat_history")
              .getJsonArray("messages");
      int kept = Math.min(historySize, posted);
      assertEquals(kept, history.size());
      for (int i = 0; i < kept; i++) {
        JsonObject m = history.getJsonObject(i);
        long id = posted - kept + 1 + i;
        assertEquals(id, m.getLong("id"));
        assertEquals("line " + id, m.getString("message"));
      }

      Ringbuffer<Object> ring = hazelcast(node).getRingbuffer("podium.chat." + eventId);
      assertEquals(
          Math.max(1, historySize), ring.capacity(), "the ring buffer has the configured capacity");
      if (historySize == 0) {
        assertEquals(0, ring.size(), "with no history no message is kept in the cluster");
      }

      // A second chat-service with another ring size is refused with a message naming the setting
      // (0 and 1 share rings of one entry, so the other value is 2 more).
      Throwable refused =
          PodiumHarnessAwait.failure(
              node.deployVerticle(
                  new ChatServiceVerticle(new ChatConfig(historySize + 2, 1000, 5))));
      assertTrue(
          String.valueOf(refused.getMessage()).contains("PODIUM_CHAT_HISTORY"),
          String.valueOf(refused));
    }
  }

  private static HazelcastInstance hazelcast(Vertx node) {
    return ClusterReach.hazelcast(node).orElseThrow();
  }

  /** Waits for a future that should fail, and returns why. */
  private static final class PodiumHarnessAwait {
    static Throwable failure(io.vertx.core.Future<?> future) {
      try {
        future
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      } catch (Exception e) {
        throw new IllegalStateException("deployment neither failed nor succeeded", e);
      }
      throw new AssertionError("a chat-service with another PODIUM_CHAT_HISTORY was deployed");
    }
  }
}
