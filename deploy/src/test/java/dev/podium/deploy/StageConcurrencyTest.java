package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 200 mixed stage operations fired at one event from two gateways at once. Every operation must end
 * in exactly one visible outcome (its effect or an error to its sender), and replaying the effects
 * a listener saw, in the order it saw them, through a sequential model must give a legal history
 * whose end state is what the room shows.
 */
class StageConcurrencyTest {
  private static final int LIMIT = 4;
  private static final int USERS = 12;
  private static final int OPERATIONS = 200;
  private static PodiumHarness podium;
  private static Vertx nodeA;
  private static Vertx nodeB;

  @BeforeAll
  static void start() {
    // The host fires over a hundred stage operations at once: far beyond a person's pace, so the
    // per-user stage budget is raised for this test of the room-service's ordering.
    podium =
        new PodiumHarness(
            Map.of(
                "PODIUM_COHOST_LIMIT", String.valueOf(LIMIT), "PODIUM_RATE_STAGE_BURST", "1000"));
    nodeA = podium.startAllInOne();
    nodeB = podium.startGatewayOnly();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  @Test
  void mixedOperationsFromTwoGatewaysMatchASequentialModel() {
    TestSocket host = podium.goLive(nodeA, "conductor");
    String eventId = host.eventId();
    TestSocket observer = podium.join(nodeB, eventId, "observer");
    observer.expect("room_state");

    Map<String, TestSocket> users = new LinkedHashMap<>();
    for (int i = 0; i < USERS; i++) {
      String id = "u" + i;
      TestSocket socket = podium.join(i % 2 == 0 ? nodeA : nodeB, eventId, id);
      socket.expect("room_state");
      users.put(id, socket);
    }
    observer.expect("participant_count", m -> m.getInteger("count") == USERS + 2);

    // Fire without waiting: the host's operations go through gateway A, half the users' through B.
    Random random = new Random(42);
    List<String> ids = new ArrayList<>(users.keySet());
    for (int i = 0; i < OPERATIONS; i++) {
      String target = ids.get(random.nextInt(ids.size()));
      switch (random.nextInt(5)) {
        case 0, 1 ->
            host.send(new JsonObject().put("type", "invite_cohost").put("user_id", target));
        case 2 -> users.get(target).send(new JsonObject().put("type", "accept_cohost"));
        case 3 -> users.get(target).send(new JsonObject().put("type", "cohost_leave"));
        default ->
            host.send(
                new JsonObject()
                    .put("type", random.nextBoolean() ? "remove_cohost" : "mute")
                    .put("participant_id", target));
      }
    }

    // Every operation has exactly one outcome; wait until all of them are accounted for.
    TestSocket.awaitCondition(() -> outcomes(host, observer, users) >= OPERATIONS, 30_000);
    int outcomes = outcomes(host, observer, users);
    assertEquals(OPERATIONS, outcomes, "every operation ends in exactly one effect or error");

    // Replay the room-wide effects in the order the observer saw them.
    Set<String> cohosts = new HashSet<>();
    Set<String> everInvited = new HashSet<>();
    users.forEach(
        (id, s) -> {
          if (!s.seen("cohost_invite").isEmpty()) {
            everInvited.add(id);
          }
        });
    int joins = 0;
    for (JsonObject effect : observerEffects(observer)) {
      String type = effect.getString("type");
      switch (type) {
        case "cohost_joined" -> {
          String id = effect.getString("participant_id");
          assertTrue(everInvited.contains(id), id + " became co-host without an invitation");
          assertTrue(cohosts.add(id), id + " joined the stage twice");
          assertTrue(cohosts.size() <= LIMIT, "more than " + LIMIT + " co-hosts");
          joins++;
        }
        case "cohost_left" ->
            assertTrue(cohosts.remove(effect.getString("user_id")), "left without being co-host");
        case "cohost_removed" ->
            assertTrue(
                cohosts.remove(effect.getString("participant_id")),
                "removed without being co-host");
        case "muted" ->
            assertTrue(cohosts.contains(effect.getString("participant_id")), "muted a non-co-host");
        default -> fail("unexpected effect " + effect);
      }
    }
    assertTrue(joins > 0, "the mix made at least one co-host");

    // The end state the room shows agrees with the model.
    TestSocket late = podium.join(nodeB, eventId, "latecomer");
    JsonObject state = late.expect("room_state");
    assertEquals("conductor", state.getJsonObject("host").getString("user_id"));
    assertEquals(new TreeSet<>(cohosts), ids(state.getJsonArray("cohosts"), "user_id"));
    JsonObject list = late.expect("participant_list");
    Set<String> listed = new TreeSet<>();
    int hosts = 0;
    for (Object o : list.getJsonArray("participants")) {
      JsonObject p = (JsonObject) o;
      if (p.getBoolean("is_cohost")) {
        listed.add(p.getString("user_id"));
      }
      hosts += "host".equals(p.getString("role")) ? 1 : 0;
    }
    assertEquals(1, hosts);
    assertEquals(new TreeSet<>(cohosts), listed);
  }

  private static int outcomes(TestSocket host, TestSocket observer, Map<String, TestSocket> users) {
    return host.seen("error").size()
        + observerEffects(observer).size()
        + users.values().stream()
            .mapToInt(s -> s.seen("error").size() + s.seen("cohost_invite").size())
            .sum();
  }

  private static List<JsonObject> observerEffects(TestSocket observer) {
    List<JsonObject> effects = new ArrayList<>();
    for (String type : List.of("cohost_joined", "cohost_left", "cohost_removed", "muted")) {
      effects.addAll(observer.seen(type));
    }
    effects.sort((a, b) -> Integer.compare(observer.order(a), observer.order(b)));
    return effects;
  }

  private static Set<String> ids(JsonArray entries, String field) {
    Set<String> out = new TreeSet<>();
    entries.forEach(o -> out.add(((JsonObject) o).getString(field)));
    return out;
  }
}
