package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A gateway reads the joiner's list from presence as text, and from a presence of the release
 * before (an object) during a rolling upgrade, which upgrades gateways first: the socket gets the
 * same message either way.
 */
class ParticipantListTextTest {
  private static final String LIST =
      "{\"type\":\"participant_list\",\"participants\":[{\"user_id\":\"h\",\"username\":\"h\","
          + "\"is_cohost\":false,\"role\":\"host\"}],\"total\":1,\"truncated\":false}";

  @Test
  void textFromPresenceIsWrittenAsItIs() {
    JsonObject joined = new JsonObject().put("count", 1).put("participant_list", LIST);
    assertEquals(LIST, WebSocketEntry.participantListText(joined));
  }

  @Test
  void anObjectFromAnEarlierPresenceIsEncoded() {
    JsonObject joined =
        new JsonObject().put("count", 1).put("participant_list", new JsonObject(LIST));
    assertEquals(new JsonObject(LIST), new JsonObject(WebSocketEntry.participantListText(joined)));
  }
}
