package dev.podium.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway control bodies: written and read in one place, in the wire shape nodes already
 * exchange.
 */
class GatewayControlTest {

  @Test
  void each_action_reads_back_as_written() {
    List<GatewayControl> controls =
        List.of(
            new GatewayControl.CloseSession(
                "s-1", ErrorCode.REPLACED, "You joined this event from another connection"),
            new GatewayControl.Deliver(
                "s-2",
                new JsonObject()
                    .put("type", "invite_notification")
                    .put("event", new JsonObject().put("id", "ev"))
                    .put("n", new JsonArray().add(1))));
    for (GatewayControl control : controls) {
      assertEquals(control, GatewayControl.fromJson(control.toJson()));
      // and after crossing the cluster, where the body travels as JSON text
      assertEquals(control, GatewayControl.fromJson(new JsonObject(control.toJson().encode())));
    }
  }

  @Test
  void the_wire_shape_is_the_one_gateways_and_presence_already_speak() {
    // A node of the previous version on either side must still understand these.
    assertEquals(
        new JsonObject(
            "{\"action\":\"close_session\",\"session_id\":\"s\",\"code\":\"replaced\",\"message\":\"m\"}"),
        new GatewayControl.CloseSession("s", ErrorCode.REPLACED, "m").toJson());
    assertEquals(
        new GatewayControl.Deliver("s", new JsonObject().put("type", "x")),
        GatewayControl.fromJson(
            new JsonObject(
                "{\"action\":\"deliver\",\"session_id\":\"s\",\"message\":{\"type\":\"x\"}}")));
  }

  @Test
  void an_unknown_error_code_closes_as_internal() {
    assertEquals(
        new GatewayControl.CloseSession("s", ErrorCode.INTERNAL, null),
        GatewayControl.fromJson(
            new JsonObject()
                .put("action", "close_session")
                .put("session_id", "s")
                .put("code", "nope")));
  }

  @Test
  void anything_else_is_refused_with_what_is_wrong() {
    List<Object> bodies =
        List.of(
            "close_session",
            new JsonArray().add("close_session"),
            new JsonObject(),
            new JsonObject().put("session_id", "s"),
            new JsonObject().put("action", "explode").put("session_id", "s"),
            new JsonObject().put("action", 7).put("session_id", "s"),
            new JsonObject().put("action", "close_session"),
            new JsonObject().put("action", "close_session").put("session_id", ""),
            new JsonObject().put("action", "close_session").put("session_id", 42),
            new JsonObject()
                .put("action", "close_session")
                .put("session_id", "s")
                .put("code", 4009),
            new JsonObject()
                .put("action", "close_session")
                .put("session_id", "s")
                .put("message", new JsonObject()),
            new JsonObject().put("action", "deliver").put("session_id", "s"),
            new JsonObject()
                .put("action", "deliver")
                .put("session_id", "s")
                .put("message", "hello"));
    for (Object body : bodies) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> GatewayControl.fromJson(body),
              String.valueOf(body));
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), String.valueOf(body));
    }
    assertThrows(IllegalArgumentException.class, () -> GatewayControl.fromJson(null));
  }
}
