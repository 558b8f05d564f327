package dev.podium.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.media.MediaDemand;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.ResyncBatch;
import dev.podium.api.presence.ResyncRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service-to-service bodies that are JSON (media demand, gateway heartbeat, presence resync):
 * each reads back as written, in the field names services of this version already exchange, and a
 * malformed one is refused with a reason instead of half-read.
 */
class SideChannelBodiesTest {

  private static Participant listener(String userId) {
    return new Participant(
        userId, "name-" + userId, Participant.ROLE_LISTENER, true, "node-1", "s-" + userId);
  }

  @Test
  void mediaDemandReadsBackInItsWireNamesAndDefaults() {
    MediaDemand demand = new MediaDemand("node-1", false, true);
    assertEquals(
        new JsonObject().put("node_id", "node-1").put("mix", false).put("opus", true),
        demand.toJson());
    assertEquals(demand, MediaDemand.fromJson(demand.toJson()));
    // A node that names itself and nothing else wants the mix, in PCM: how relays have read it.
    assertEquals(
        new MediaDemand("node-1", true, false),
        MediaDemand.fromJson(new JsonObject().put("node_id", "node-1")));
  }

  @Test
  void malformedMediaDemandsAreRefused() {
    for (Object bad :
        List.of(
            "text",
            new JsonObject(),
            new JsonObject().put("node_id", 5),
            new JsonObject().put("node_id", ""),
            new JsonObject().put("node_id", "n").put("mix", "yes"),
            new JsonObject().put("node_id", "n").put("opus", 1))) {
      assertThrows(
          IllegalArgumentException.class, () -> MediaDemand.fromJson(bad), String.valueOf(bad));
    }
    assertThrows(IllegalArgumentException.class, () -> MediaDemand.fromJson(null));
  }

  @Test
  void heartbeatReadsBackAndRefusesAnythingWithoutANode() {
    GatewayHeartbeat beat = new GatewayHeartbeat("node-7", null);
    assertEquals(new JsonObject().put("node_id", "node-7"), beat.toJson());
    assertEquals(beat, GatewayHeartbeat.fromJson(beat.toJson()));
    GatewayHeartbeat clustered = new GatewayHeartbeat("node-7", "member-uuid");
    assertEquals(
        new JsonObject().put("node_id", "node-7").put("member", "member-uuid"), clustered.toJson());
    assertEquals(clustered, GatewayHeartbeat.fromJson(clustered.toJson()));
    for (Object bad :
        java.util.Arrays.asList(
            null,
            "node-7",
            new JsonObject(),
            new JsonObject().put("node_id", 7),
            new JsonObject().put("node_id", ""),
            new JsonObject().put("node_id", "node-7").put("member", 7))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> GatewayHeartbeat.fromJson(bad),
          String.valueOf(bad));
    }
  }

  @Test
  void resyncRequestReadsBackAndRefusesAMissingReplyAddress() {
    ResyncRequest request = new ResyncRequest("ev-1", "podium.presence.resync.i-1");
    assertEquals(
        new JsonObject().put("event_id", "ev-1").put("reply_to", "podium.presence.resync.i-1"),
        request.toJson());
    assertEquals(request, ResyncRequest.fromJson(request.toJson()));
    assertThrows(
        IllegalArgumentException.class,
        () -> ResyncRequest.fromJson(new JsonObject().put("event_id", "ev-1")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ResyncRequest.fromJson(new JsonObject().put("event_id", "ev-1").put("reply_to", 3)));
  }

  @Test
  void resyncBatchReadsBackWithItsJoiningSessionsMarked() {
    ResyncBatch batch =
        new ResyncBatch(
            "ev-1",
            "node-1",
            List.of(
                new ResyncBatch.Carried(listener("a"), false),
                new ResyncBatch.Carried(listener("b"), true)),
            true);
    JsonObject json = batch.toJson();
    JsonArray participants = json.getJsonArray("participants");
    assertEquals("a", participants.getJsonObject(0).getString("user_id"));
    assertFalse(
        participants.getJsonObject(0).containsKey("joining"), "only a join in flight says so");
    assertTrue(participants.getJsonObject(1).getBoolean("joining"));
    assertTrue(json.getBoolean("done"));
    ResyncBatch read = ResyncBatch.fromJson(json);
    assertEquals(
        List.of("a", "b"), read.sessions().stream().map(c -> c.participant().userId()).toList());
    assertEquals(
        List.of(false, true), read.sessions().stream().map(ResyncBatch.Carried::joining).toList());
    assertTrue(read.done());
  }

  @Test
  void anOversizedOrMalformedResyncBatchIsRefusedWhole() {
    JsonArray many = new JsonArray();
    List<ResyncBatch.Carried> carried = new ArrayList<>();
    for (int i = 0; i <= ResyncBatch.MAX_SESSIONS; i++) {
      many.add(listener("u" + i).toJson());
      carried.add(new ResyncBatch.Carried(listener("u" + i), false));
    }
    JsonObject base = new JsonObject().put("event_id", "ev-1").put("node_id", "node-1");
    assertThrows(
        IllegalArgumentException.class,
        () -> ResyncBatch.fromJson(base.copy().put("participants", many)));
    assertThrows(
        IllegalArgumentException.class, () -> new ResyncBatch("ev-1", "node-1", carried, true));
    for (Object bad :
        List.of(
            new JsonObject().put("event_id", "ev-1").put("participants", new JsonArray()),
            base.copy(),
            base.copy().put("participants", new JsonArray().add("not an object")),
            base.copy()
                .put(
                    "participants",
                    new JsonArray()
                        .add(new JsonObject().put("user_id", "u").put("verified", "yes"))),
            base.copy().put("participants", new JsonArray()).put("done", "yes"))) {
      assertThrows(
          IllegalArgumentException.class, () -> ResyncBatch.fromJson(bad), String.valueOf(bad));
    }
    assertEquals(
        0,
        ResyncBatch.fromJson(base.copy().put("participants", new JsonArray())).sessions().size(),
        "an empty batch is how a node without sessions says done");
  }
}
