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
    TestSocket host = podium.goLive(node, "big-host");
    String eventId = host.eventId();
    host.expect("participant_count", m -> m.getInteger("count") == 1);

    List<String> fans = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      fans.add("fan" + i);
    }
    long started = System.currentTimeMillis();
    // Bursts of 100 simultaneous joins: a join rate far above one per 250 ms, without turning a
    // busy test machine's 3 s service timeouts into failed joins.
    List<TestSocket> listeners = new ArrayList<>();
    for (int from = 0; from < LISTENERS; from += 100) {
      listeners.addAll(
          podium.joinAll(node, eventId, fans.subList(from, Math.min(LISTENERS, from + 100))));
    }
    host.expect("participant_count", m -> m.getInteger("count") == LISTENERS + 1);
    long joinMillis = System.currentTimeMillis() - started;
    JsonObject last = host.expect("participant_list", m -> m.getInteger("total") == LISTENERS + 1);

    // At most one list per 250 ms, however fast the joins come: far fewer lists than joins.
    int lists = host.seen("participant_list").size();
    assertTrue(
        lists <= joinMillis / 250 + 3, "coalesced: " + lists + " lists in " + joinMillis + " ms");
    assertTrue(
        lists < LISTENERS / 5,
        "coalesced: "
            + lists
            + " list messages for "
            + LISTENERS
            + " joins in "
            + joinMillis
            + " ms");
    // Joins one by one only within the room's notice budget (10 a second, 10 in reserve): a storm
    // of LISTENERS joins does not cost every socket LISTENERS messages; the list and count carry
    // them.
    long noticed =
        host.seen("participant_joined").stream()
            .filter(m -> m.getString("user_id").startsWith("fan"))
            .count();
    assertTrue(
        noticed >= 10 && noticed <= 10 + 10 * (joinMillis / 1000 + 1),
        noticed + " join notices for " + LISTENERS + " joins in " + joinMillis + " ms");

    JsonArray shown = last.getJsonArray("participants");
    assertEquals(100, shown.size());
    assertTrue(last.getBoolean("truncated"));
    assertEquals("big-host", shown.getJsonObject(0).getString("user_id"));
    assertEquals("host", shown.getJsonObject(0).getString("role"));
    assertTrue(shown.getJsonObject(1).getString("user_id").startsWith("fan"));
    assertEquals("listener", shown.getJsonObject(1).getString("role"));

    host.send(new JsonObject().put("type", "get_participants").put("offset", 100).put("limit", 50));
    JsonObject page = host.expect("participant_page");
    assertEquals(LISTENERS + 1, page.getInteger("total"));
    assertEquals(100, page.getInteger("offset"));
    assertEquals(50, page.getJsonArray("participants").size());
    assertEquals(
        shown.getJsonObject(99).getString("user_id"),
        podiumPageEntry(host, 99),
        "pages follow the order of the broadcast list");

    // Paging through the whole list yields every participant exactly once.
    java.util.Set<String> everyone = new java.util.HashSet<>();
    for (int offset = 0; offset < LISTENERS + 1; offset += 100) {
      host.send(
          new JsonObject().put("type", "get_participants").put("offset", offset).put("limit", 100));
      host.expect("participant_page")
          .getJsonArray("participants")
          .forEach(o -> everyone.add(((JsonObject) o).getString("user_id")));
    }
    assertEquals(LISTENERS + 1, everyone.size());

    host.send(new JsonObject().put("type", "get_participants").put("offset", 490).put("limit", 50));
    assertEquals(11, host.expect("participant_page").getJsonArray("participants").size());
    host.send(new JsonObject().put("type", "get_participants").put("offset", -1));
    host.expectError("bad_request");
    host.send(new JsonObject().put("type", "get_participants").put("limit", 100_000));
    host.expectError("bad_request");

    host.drain();
    listeners.forEach(TestSocket::close);
    host.expect("participant_count", m -> m.getInteger("count") == 1);
    JsonObject after = host.expect("participant_list", m -> m.getInteger("total") == 1);
    assertEquals(false, after.getBoolean("truncated"));
  }

  private static String podiumPageEntry(TestSocket host, int index) {
    host.send(
        new JsonObject().put("type", "get_participants").put("offset", index).put("limit", 1));
    return host.expect("participant_page")
        .getJsonArray("participants")
        .getJsonObject(0)
        .getString("user_id");
  }
}
