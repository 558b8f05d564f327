package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.api.protocol.ClientMessage;
import dev.podium.gateway.rates.MessageClass;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The wire shapes of docs/protocol.md, parsed without Vert.x running. */
class ClientMessageParserTest {
  private final ClientMessageParser parser = new ClientMessageParser(64 * 1024, 4096);

  private ClientRequest parse(JsonObject msg) {
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
    ClientRequest chat =
        parse(new JsonObject().put("type", "broadcast_message").put("message", "hi"));
    assertEquals("hi", ((ClientMessage.BroadcastMessage) chat.message()).body());
    assertEquals(MessageClass.CHAT, chat.messageClass());
    ClientRequest older = parse(new JsonObject().put("type", "text").put("text", "yo"));
    assertEquals("yo", ((ClientMessage.Text) older.message()).body());
    assertEquals("text", older.type());
    assertEquals(
        "Field 'message' is required",
        refused("{\"type\":\"broadcast_message\"}", ErrorCode.BAD_REQUEST).getMessage());
    assertEquals(
        "Field 'message' must be a string",
        refused("{\"type\":\"broadcast_message\",\"message\":5}", ErrorCode.BAD_REQUEST)
            .getMessage());
  }

  @Test
  void signallingWithAndWithoutToAreDifferentClasses() {
    ClientRequest direct =
        parse(
            new JsonObject()
                .put("type", "ice_candidate")
                .put("candidate", new JsonObject())
                .put("to", 42));
    assertEquals(
        new ClientRequest(new ClientMessage.IceCandidate(java.util.Map.of(), 42), "42"), direct);
    assertEquals(MessageClass.SIGNAL_DIRECT, direct.messageClass());
    ClientRequest room = parse(new JsonObject().put("type", "webrtc_offer").put("offer", "sdp"));
    assertEquals(MessageClass.SIGNAL_BROADCAST, room.messageClass());
    assertNull(room.target());
    BadRequest missing = refused("{\"type\":\"webrtc_answer\"}", ErrorCode.BAD_REQUEST);
    assertEquals("Field 'answer' is required", missing.getMessage());
    assertEquals("webrtc_answer carries the WebRTC answer in 'answer'", missing.details());
  }

  @Test
  void signallingToTheWholeRoomIsCappedInSizeButToOneUserIsNot() {
    String big = "x".repeat(5000);
    BadRequest bad =
        refused(
            new JsonObject().put("type", "webrtc_offer").put("offer", big).encode(),
            ErrorCode.FRAME_TOO_LARGE);
    assertTrue(bad.details().contains("'to'"), bad.details());
    assertEquals(
        "u",
        parse(new JsonObject().put("type", "webrtc_offer").put("offer", big).put("to", "u"))
            .target());
  }

  @Test
  void stageActionsCarryTheirTargets() {
    assertEquals(
        "7", parse(new JsonObject().put("type", "invite_cohost").put("user_id", 7)).target());
    // the first id field present wins: user_id for invitations, participant_id for the rest
    assertEquals(
        "u",
        parse(
                new JsonObject()
                    .put("type", "invite_cohost")
                    .put("participant_id", "p")
                    .put("user_id", "u"))
            .target());
    assertEquals(
        "b",
        parse(
                new JsonObject()
                    .put("type", "remove_cohost")
                    .put("participant_id", "b")
                    .put("username", "B")
                    .put("user_id", "c"))
            .target());
    assertEquals(
        "c", parse(new JsonObject().put("type", "dismiss_request").put("user_id", "c")).target());
    assertEquals(
        new ClientRequest(new ClientMessage.Mute(null, null), null),
        parse(new JsonObject().put("type", "mute")));
    assertEquals(
        new ClientRequest(new ClientMessage.SwitchingToAudio("audio"), null),
        parse(new JsonObject().put("type", "switching_to_audio").put("stream", "audio")));
    assertEquals(
        MessageClass.SPEAK_REQUEST,
        parse(new JsonObject().put("type", "request_to_speak")).messageClass());
    assertEquals(
        MessageClass.STAGE, parse(new JsonObject().put("type", "cohost_leave")).messageClass());
    ClientRequest invite = parse(new JsonObject().put("type", "send_invite").put("user_id", "x"));
    assertEquals("x", invite.target());
    assertEquals(MessageClass.INVITE, invite.messageClass());
    assertEquals(
        new ClientRequest(new ClientMessage.GetParticipants(50, 10), null),
        parse(new JsonObject().put("type", "get_participants").put("offset", 50).put("limit", 10)));
    assertEquals(
        new ClientRequest(new ClientMessage.StartRecording(), null),
        parse(new JsonObject().put("type", "start_recording")));
    assertEquals(
        MessageClass.STAGE, parse(new JsonObject().put("type", "stop_recording")).messageClass());
    ClientRequest leave = parse(new JsonObject().put("type", "leave_room"));
    assertEquals(new ClientRequest(new ClientMessage.LeaveRoom(null, null), null), leave);
    assertNull(leave.messageClass(), "leave_room is never charged");
    assertEquals(
        "Field 'user_id' is required",
        refused("{\"type\":\"invite_cohost\"}", ErrorCode.BAD_REQUEST).getMessage());
  }

  /** The protocol's golden examples (api's test resources), as this module is built beside api. */
  private static final Path GOLDEN = Path.of("..", "api", "src", "test", "resources", "protocol");

  @Test
  void everyGoldenClientExampleIsAccepted() throws IOException {
    try (Stream<Path> examples = Files.list(GOLDEN.resolve("client"))) {
      assertEquals(
          25,
          examples
              .filter(p -> p.toString().endsWith(".json"))
              .peek(
                  p -> {
                    ClientRequest request = parser.parse(read(p));
                    assertEquals(p.getFileName().toString().replace(".json", ""), request.type());
                  })
              .count(),
          "one example per client message type");
    }
  }

  @Test
  void theParsersRefusalsAreTheGoldenErrorExamples() throws IOException {
    ClientMessageParser wireLimits = new ClientMessageParser(65_536, 16_384);
    assertGolden("bad_json", wireLimits, "{\"type\":\"get_participants\"");
    assertGolden("bad_request", wireLimits, "{\"type\":\"invite_cohost\"}");
    assertGolden(
        "unknown_type", wireLimits, "{\"type\":\"switching_to_video\",\"stream\":\"video\"}");
    assertGolden(
        "frame_too_large",
        wireLimits,
        "{\"type\":\"broadcast_message\",\"message\":\"" + "a".repeat(70_000 - 41) + "\"}");
  }

  private static void assertGolden(String code, ClientMessageParser parser, String frame)
      throws IOException {
    BadRequest bad = assertThrows(BadRequest.class, () -> parser.parse(frame), code);
    assertEquals(
        new JsonObject(read(GOLDEN.resolve("error").resolve(code + ".json"))),
        new JsonObject(ClientMessages.error(bad.code(), bad.getMessage(), bad.details())),
        code);
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void badInputIsACodedRefusal() {
    refused("not json", ErrorCode.BAD_JSON);
    refused("[1,2]", ErrorCode.BAD_JSON);
    refused("null", ErrorCode.BAD_JSON);
    assertEquals("got a JSON JsonArray", refused("[1,2]", ErrorCode.BAD_JSON).details());
    assertEquals("Field 'type' is required", refused("{}", ErrorCode.BAD_REQUEST).getMessage());
    assertEquals(
        "Field 'type' must be a string",
        refused("{\"type\":7}", ErrorCode.BAD_REQUEST).getMessage());
    assertEquals(
        "Unknown message type 'teleport'",
        refused("{\"type\":\"teleport\"}", ErrorCode.UNKNOWN_TYPE).getMessage());
    assertEquals(
        "Unknown message type '" + "t".repeat(64) + "…'",
        refused("{\"type\":\"" + "t".repeat(100) + "\"}", ErrorCode.UNKNOWN_TYPE).getMessage());
    // a syntax error anywhere is bad JSON, even after an unknown type
    refused("{\"type\":\"teleport\",", ErrorCode.BAD_JSON);
    refused("{\"type\":\"send_invite\",\"user_id\":\"a\\nb\"}", ErrorCode.BAD_REQUEST);
    refused("{\"type\":\"send_invite\",\"user_id\":1.5}", ErrorCode.BAD_REQUEST);
    refused(
        "{\"type\":\"invite_cohost\",\"user_id\":\"" + "u".repeat(200) + "\"}",
        ErrorCode.BAD_REQUEST);
    assertEquals(
        "Field 'limit' must be a whole number",
        refused("{\"type\":\"get_participants\",\"limit\":\"ten\"}", ErrorCode.BAD_REQUEST)
            .getMessage());
    assertEquals(
        "Field 'to' must be a user id",
        refused("{\"type\":\"webrtc_offer\",\"offer\":{},\"to\":[1]}", ErrorCode.BAD_REQUEST)
            .getMessage());
    refused(
        "{\"type\":\"broadcast_message\",\"message\":\"" + "a".repeat(70_000) + "\"}",
        ErrorCode.FRAME_TOO_LARGE);
  }
}
