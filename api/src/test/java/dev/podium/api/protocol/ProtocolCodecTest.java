package dev.podium.api.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The golden examples and the message types in code are the same set, and every example reads into
 * its record and writes back as the same JSON: neither the records nor the examples can drift from
 * the wire.
 */
class ProtocolCodecTest {

  @Test
  void every_server_type_has_a_golden_example_and_every_example_a_type() {
    assertEquals(
        new TreeSet<>(ProtocolCodec.serverTypes().keySet()), GoldenExamples.of("server").keySet());
  }

  @Test
  void every_client_type_has_a_golden_example_and_every_example_a_type() {
    assertEquals(
        new TreeSet<>(ProtocolCodec.clientTypes().keySet()), GoldenExamples.of("client").keySet());
  }

  @Test
  void every_error_code_has_a_golden_example_and_every_example_a_code() {
    assertEquals(
        Arrays.stream(ErrorCode.values())
            .map(ErrorCode::code)
            .collect(Collectors.toCollection(TreeSet::new)),
        GoldenExamples.of("error").keySet());
  }

  @Test
  void server_examples_read_into_their_record_and_write_back_unchanged() {
    GoldenExamples.of("server")
        .forEach(
            (type, text) -> {
              ServerMessage message = ProtocolCodec.decodeServer(text);
              assertEquals(ProtocolCodec.serverTypes().get(type), message.getClass(), type);
              assertEquals(
                  new JsonObject(text), new JsonObject(ProtocolCodec.encode(message)), type);
              // The event-bus body is the same JSON, and reads back into an equal record.
              assertEquals(new JsonObject(text), ProtocolCodec.toJson(message), type);
              assertEquals(message, ProtocolCodec.fromJson(ProtocolCodec.toJson(message)), type);
            });
  }

  @Test
  void client_examples_read_into_their_record_and_write_back_unchanged() {
    GoldenExamples.of("client")
        .forEach(
            (type, text) -> {
              ClientMessage message = ProtocolCodec.decodeClient(text);
              assertEquals(ProtocolCodec.clientTypes().get(type), message.getClass(), type);
              assertEquals(
                  new JsonObject(text), new JsonObject(ProtocolCodec.encode(message)), type);
            });
  }

  @Test
  void error_examples_name_their_code_and_always_carry_details() {
    GoldenExamples.of("error")
        .forEach(
            (code, text) -> {
              ServerMessage.ErrorMessage error =
                  assertInstanceOf(
                      ServerMessage.ErrorMessage.class, ProtocolCodec.decodeServer(text), code);
              assertEquals(code, error.code().code());
              assertFalse(error.details().isBlank(), code);
              assertEquals(new JsonObject(text), new JsonObject(ProtocolCodec.encode(error)), code);
            });
  }

  @Test
  void examples_list_their_fields_in_the_order_they_are_sent() {
    // So the examples (and the docs that show them) read like the wire.
    GoldenExamples.of("server")
        .forEach(
            (type, text) ->
                assertEquals(
                    List.copyOf(new JsonObject(text).fieldNames()),
                    List.copyOf(
                        new JsonObject(ProtocolCodec.encode(ProtocolCodec.decodeServer(text)))
                            .fieldNames()),
                    type));
    GoldenExamples.of("client")
        .forEach(
            (type, text) ->
                assertEquals(
                    List.copyOf(new JsonObject(text).fieldNames()),
                    List.copyOf(
                        new JsonObject(ProtocolCodec.encode(ProtocolCodec.decodeClient(text)))
                            .fieldNames()),
                    type));
  }

  @Test
  void absent_fields_are_left_out_and_type_comes_first() {
    String text =
        ProtocolCodec.encode(
            new ServerMessage.WebrtcOffer(
                new JsonObject().put("sdp", "v=0"), "alice", "Alice", null));
    assertEquals(
        "{\"type\":\"webrtc_offer\",\"offer\":{\"sdp\":\"v=0\"},\"from\":\"alice\",\"username\":\"Alice\"}",
        text);
  }

  @Test
  void vertx_json_values_inside_a_message_are_written_as_json() {
    JsonObject body =
        ProtocolCodec.toJson(
            new ServerMessage.IceCandidate(
                new JsonArray().add(1).add(new JsonObject().put("a", true)),
                "bob",
                "Bob",
                "alice"));
    assertEquals(
        new JsonArray().add(1).add(new JsonObject().put("a", true)),
        body.getJsonArray("candidate"));
  }

  @Test
  void a_client_message_with_extra_fields_is_read_and_the_extras_are_dropped() {
    ClientMessage message =
        ProtocolCodec.decodeClient("{\"type\":\"accept_cohost\",\"participant_id\":\"x\",\"n\":1}");
    assertEquals(new ClientMessage.AcceptCohost(), message);
  }

  @Test
  void user_ids_are_kept_as_sent_for_the_gateway_to_check() {
    ClientMessage.InviteCohost invite =
        (ClientMessage.InviteCohost)
            ProtocolCodec.decodeClient("{\"type\":\"invite_cohost\",\"user_id\":42}");
    assertEquals(42, invite.userId());
  }

  @Test
  void an_unknown_type_or_an_unknown_error_code_is_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ProtocolCodec.decodeClient("{\"type\":\"switching_to_video\"}"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ProtocolCodec.decodeServer("{\"message\":\"no type\"}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ProtocolCodec.decodeServer(
                "{\"type\":\"error\",\"code\":\"nope\",\"message\":\"m\",\"details\":\"d\"}"));
  }

  @Test
  void wire_names_are_snake_case_for_every_component() {
    Map<String, Object> link =
        ProtocolCodec.toJson(new ServerMessage.StreamLink("e", "ws://x/", true)).getMap();
    assertEquals(List.of("type", "event_id", "join_url", "resumed"), List.copyOf(link.keySet()));
    assertTrue(
        ProtocolCodec.encode(
                new ServerMessage.ParticipantList(
                    List.of(new ServerMessage.ParticipantEntry("u", "U", true, "cohost")),
                    1,
                    false))
            .contains("\"is_cohost\":true"));
  }
}
