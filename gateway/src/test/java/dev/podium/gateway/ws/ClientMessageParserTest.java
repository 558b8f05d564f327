package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.gateway.rates.MessageClass;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The wire shapes of docs/protocol.md, parsed without Vert.x running. */
class ClientMessageParserTest {
  private final ClientMessageParser parser = new ClientMessageParser(64 * 1024, 4096);

  private ClientCommand parse(JsonObject msg) {
    return parser.parse(msg.encode());
  }

  private BadRequest refused(String text, ErrorCode code) {
    BadRequest bad = assertThrows(BadRequest.class, () -> parser.parse(text));
    assertEquals(code, bad.code(), bad.getMessage());
    assertTrue(bad.details() != null && !bad.details().isBlank(), "every refusal has details");
    return bad;
  }

  @Test
  void chatTakesMessageOrTheOlderText() {
    assertEquals(new ClientCommand.Chat("broadcast_message", "hi"),
        parse(new JsonObject().put("type", "broadcast_message").put("message", "hi")));
    assertEquals(new ClientCommand.Chat("text", "yo"), parse(new JsonObject().put("type", "text").put("text", "yo")));
    refused("{\"type\":\"broadcast_message\"}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void signallingWithAndWithoutToAreDifferentClasses() {
    ClientCommand direct = parse(new JsonObject().put("type", "ice_candidate").put("candidate", new JsonObject())
        .put("to", 42));
    assertEquals(new ClientCommand.Signal("ice_candidate", "candidate", new JsonObject(), "42"), direct);
    assertEquals(MessageClass.SIGNAL_DIRECT, direct.messageClass());
    ClientCommand room = parse(new JsonObject().put("type", "webrtc_offer").put("offer", "sdp"));
    assertEquals(MessageClass.SIGNAL_BROADCAST, room.messageClass());
    assertNull(((ClientCommand.Signal) room).to());
    refused("{\"type\":\"webrtc_answer\"}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void signallingToTheWholeRoomIsCappedInSizeButToOneUserIsNot() {
    String big = "x".repeat(5000);
    BadRequest bad = refused(new JsonObject().put("type", "webrtc_offer").put("offer", big).encode(),
        ErrorCode.FRAME_TOO_LARGE);
    assertTrue(bad.details().contains("'to'"), bad.details());
    assertEquals("u", ((ClientCommand.Signal) parse(new JsonObject().put("type", "webrtc_offer").put("offer", big)
        .put("to", "u"))).to());
  }

  @Test
  void stageActionsCarryTheirTargets() {
    assertEquals(new ClientCommand.StageAction("invite_cohost", "7"),
        parse(new JsonObject().put("type", "invite_cohost").put("user_id", 7)));
    assertEquals(new ClientCommand.StageAction("remove_cohost", "b"),
        parse(new JsonObject().put("type", "remove_cohost").put("participant_id", "b").put("username", "B")));
    assertEquals(new ClientCommand.StageAction("mute", null), parse(new JsonObject().put("type", "mute")));
    assertEquals(new ClientCommand.StageAction("switching_to_audio", null),
        parse(new JsonObject().put("type", "switching_to_audio").put("stream", "audio")));
    assertEquals(MessageClass.SPEAK_REQUEST, parse(new JsonObject().put("type", "request_to_speak")).messageClass());
    assertEquals(MessageClass.STAGE, parse(new JsonObject().put("type", "cohost_leave")).messageClass());
    assertEquals(new ClientCommand.SendInvite("x"), parse(new JsonObject().put("type", "send_invite").put("user_id", "x")));
    assertEquals(new ClientCommand.GetParticipants(50, 10),
        parse(new JsonObject().put("type", "get_participants").put("offset", 50).put("limit", 10)));
    assertEquals(new ClientCommand.Leave(), parse(new JsonObject().put("type", "leave_room")));
  }

  @Test
  void badInputIsACodedRefusal() {
    refused("not json", ErrorCode.BAD_JSON);
    refused("[1,2]", ErrorCode.BAD_JSON);
    refused("null", ErrorCode.BAD_JSON);
    refused("{}", ErrorCode.BAD_REQUEST);
    refused("{\"type\":\"teleport\"}", ErrorCode.UNKNOWN_TYPE);
    refused("{\"type\":\"send_invite\",\"user_id\":\"a\\nb\"}", ErrorCode.BAD_REQUEST);
    refused("{\"type\":\"send_invite\",\"user_id\":1.5}", ErrorCode.BAD_REQUEST);
    refused("{\"type\":\"invite_cohost\",\"user_id\":\"" + "u".repeat(200) + "\"}", ErrorCode.BAD_REQUEST);
    refused("{\"type\":\"get_participants\",\"limit\":\"ten\"}", ErrorCode.BAD_REQUEST);
    refused("{\"type\":\"broadcast_message\",\"message\":\"" + "a".repeat(70_000) + "\"}", ErrorCode.FRAME_TOO_LARGE);
  }
}
