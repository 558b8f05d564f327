package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A room of 500 listeners: list updates are coalesced, the broadcast list is capped and marked
 * truncated, and the full list is available page by page.
 */
class LargeRoomEndToEndTest {
  private static final int LISTENERS = 500;
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  @Test
  void fiveHundredJoinsProduceFewListsATruncatedListAndPages() {
    JsonObject[] link = new JsonObject[1];
    TestSocket host = podium.goLive(node, "big-host", link);
    String eventId = link[0].getString("event_id");
    host.expect("participant_count", m -> m.getInteger("count") == 1);

    List<TestSocket> listeners = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      listeners.add(podium.join(node, eventId, "fan" + i));
    }
    host.expect("participant_count", m -> m.getInteger("count") == LISTENERS + 1);
    JsonObject last = host.expect("participant_list", m -> m.getInteger("total") == LISTENERS + 1);

    int lists = host.seen("participant_list").size();
    assertTrue(lists < LISTENERS / 5, "coalesced: " + lists + " list messages for " + LISTENERS + " joins");
    assertEquals(LISTENERS, host.seen("participant_joined").stream()
        .filter(m -> m.getString("user_id").startsWith("fan")).count());

    JsonArray shown = last.getJsonArray("participants");
    assertEquals(100, shown.size());
    assertTrue(last.getBoolean("truncated"));
    assertEquals("big-host", shown.getJsonObject(0).getString("user_id"));
    assertEquals("host", shown.getJsonObject(0).getString("role"));
    assertEquals("fan0", shown.getJsonObject(1).getString("user_id"));

    host.send(new JsonObject().put("type", "get_participants").put("offset", 100).put("limit", 50));
    JsonObject page = host.expect("participant_page");
    assertEquals(LISTENERS + 1, page.getInteger("total"));
    assertEquals(100, page.getInteger("offset"));
    assertEquals(50, page.getJsonArray("participants").size());
    assertEquals("fan99", page.getJsonArray("participants").getJsonObject(0).getString("user_id"));

    host.send(new JsonObject().put("type", "get_participants").put("offset", 490).put("limit", 50));
    assertEquals(11, host.expect("participant_page").getJsonArray("participants").size());
    host.send(new JsonObject().put("type", "get_participants").put("offset", -1));
    host.expectError("bad_request");
    host.send(new JsonObject().put("type", "get_participants").put("limit", 100_000));
    host.expectError("bad_request");

    listeners.forEach(TestSocket::close);
    host.expect("participant_count", m -> m.getInteger("count") == 1);
    JsonObject after = host.expect("participant_list", m -> m.getInteger("total") == 1);
    assertEquals(false, after.getBoolean("truncated"));
  }
}
