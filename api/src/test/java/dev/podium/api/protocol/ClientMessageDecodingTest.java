package dev.podium.api.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.podium.api.protocol.ClientMessageException.Kind;
import dev.podium.api.protocol.ClientMessageException.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@link ProtocolCodec#decodeClient} refuses, and why: the gateway words each problem into the
 * client's {@code error}, so each one must be told apart, in a fixed order.
 */
class ClientMessageDecodingTest {

  private static ClientMessageException refused(String text, Problem problem) {
    ClientMessageException e =
        assertThrows(ClientMessageException.class, () -> ProtocolCodec.decodeClient(text));
    assertEquals(problem, e.problem(), text + ": " + e.getMessage());
    return e;
  }

  @Test
  void text_that_is_not_one_json_value_is_not_json_even_after_a_type_that_does_not_exist() {
    for (String text :
        List.of(
            "not json",
            "",
            "   ",
            "{} x",
            "{}{}",
            "{\"type\":\"teleport\", bad",
            "{\"type\":",
            "{a:1}",
            "[1,]")) {
      refused(text, Problem.NOT_JSON);
    }
    assertNull(refused(null, Problem.NOT_JSON).field());
  }

  @Test
  void comments_are_allowed_as_the_gateway_always_allowed_them() {
    assertEquals(
        new ClientMessage.AcceptCohost(),
        ProtocolCodec.decodeClient("/* hi */ {\"type\":\"accept_cohost\"} // bye"));
  }

  @Test
  void a_value_that_is_not_an_object_is_named() {
    Map.of(
            "[1,2]",
            "JsonArray",
            "5",
            "Integer",
            "12345678901",
            "Long",
            "123456789012345678901234567890",
            "BigInteger",
            "1.5",
            "Double",
            "true",
            "Boolean",
            "\"s\"",
            "String",
            "null",
            "null")
        .forEach(
            (text, kind) -> assertEquals(kind, refused(text, Problem.NOT_AN_OBJECT).value(), text));
  }

  @Test
  void type_must_be_present_and_a_string_and_known() {
    assertEquals("type", refused("{}", Problem.MISSING_TYPE).field());
    refused("{\"type\":null,\"message\":\"x\"}", Problem.MISSING_TYPE);
    ClientMessageException number = refused("{\"type\":5}", Problem.WRONG_KIND);
    assertEquals("type", number.field());
    assertEquals(Kind.STRING, number.expected());
    refused("{\"type\":{\"a\":1}}", Problem.WRONG_KIND);
    assertEquals(
        "switching_to_video",
        refused("{\"type\":\"switching_to_video\"}", Problem.UNKNOWN_TYPE).value());
    // type names are exact: no case folding, no trimming
    refused("{\"type\":\"Mute\"}", Problem.UNKNOWN_TYPE);
    refused("{\"type\":\"mute \"}", Problem.UNKNOWN_TYPE);
  }

  @Test
  void a_field_of_another_kind_than_declared_is_refused_without_coercion() {
    assertWrongKind("{\"type\":\"broadcast_message\",\"message\":5}", "message", Kind.STRING);
    assertWrongKind(
        "{\"type\":\"broadcast_message\",\"message\":{\"a\":1}}", "message", Kind.STRING);
    assertWrongKind("{\"type\":\"text\",\"text\":true}", "text", Kind.STRING);
    assertWrongKind("{\"type\":\"get_participants\",\"limit\":\"10\"}", "limit", Kind.WHOLE_NUMBER);
    assertWrongKind("{\"type\":\"get_participants\",\"limit\":1.5}", "limit", Kind.WHOLE_NUMBER);
    assertWrongKind(
        "{\"type\":\"get_participants\",\"offset\":3000000000}", "offset", Kind.WHOLE_NUMBER);
    assertWrongKind(
        "{\"type\":\"get_participants\",\"offset\":1e400}", "offset", Kind.WHOLE_NUMBER);
    assertWrongKind(
        "{\"type\":\"get_participants\",\"offset\":false}", "offset", Kind.WHOLE_NUMBER);
  }

  @Test
  void fields_are_checked_in_record_order_whatever_order_they_arrive_in() {
    assertWrongKind(
        "{\"type\":\"get_participants\",\"limit\":\"b\",\"offset\":\"a\"}",
        "offset",
        Kind.WHOLE_NUMBER);
    assertWrongKind("{\"type\":\"text\",\"text\":1,\"message\":2}", "message", Kind.STRING);
  }

  @Test
  void whole_numbers_written_with_a_fraction_are_whole_numbers() {
    assertEquals(
        new ClientMessage.GetParticipants(0, 10),
        ProtocolCodec.decodeClient("{\"type\":\"get_participants\",\"offset\":-0,\"limit\":10.0}"));
    assertEquals(
        new ClientMessage.GetParticipants(Integer.MAX_VALUE, null),
        ProtocolCodec.decodeClient("{\"type\":\"get_participants\",\"offset\":2147483647}"));
  }

  @Test
  void null_is_absent_extra_fields_are_dropped_and_untyped_fields_take_any_value() {
    assertEquals(
        new ClientMessage.BroadcastMessage(null, null),
        ProtocolCodec.decodeClient(
            "{\"type\":\"broadcast_message\",\"message\":null,\"extra\":[1]}"));
    ClientMessage.InviteCohost odd =
        (ClientMessage.InviteCohost)
            ProtocolCodec.decodeClient(
                "{\"type\":\"invite_cohost\",\"user_id\":true,\"participant_id\":{\"a\":[1,2.5]}}");
    assertEquals(true, odd.userId());
    assertEquals(Map.of("a", List.of(1, 2.5)), odd.participantId());
    // fields the gateway ignores take anything, as they always did
    assertEquals(
        new ClientMessage.LeaveRoom(null, List.of("x")),
        ProtocolCodec.decodeClient("{\"type\":\"leave_room\",\"username\":[\"x\"]}"));
    assertEquals(
        new ClientMessage.StreamEnded(7),
        ProtocolCodec.decodeClient("{\"type\":\"stream_ended\",\"event_id\":7}"));
  }

  @Test
  void chat_text_is_message_when_present_else_text() {
    assertEquals(
        "m",
        ((ClientMessage.Text)
                ProtocolCodec.decodeClient("{\"type\":\"text\",\"text\":\"t\",\"message\":\"m\"}"))
            .body());
    assertEquals(
        "t",
        ((ClientMessage.BroadcastMessage)
                ProtocolCodec.decodeClient("{\"type\":\"broadcast_message\",\"text\":\"t\"}"))
            .body());
    assertNull(((ClientMessage.Text) ProtocolCodec.decodeClient("{\"type\":\"text\"}")).body());
  }

  @Test
  void the_wire_type_of_a_record_is_its_type_name() {
    ProtocolCodec.clientTypes()
        .forEach(
            (type, record) ->
                assertEquals(
                    type,
                    ProtocolCodec.typeOf(
                        ProtocolCodec.decodeClient("{\"type\":\"" + type + "\"}"))));
  }

  private static void assertWrongKind(String text, String field, Kind kind) {
    ClientMessageException e = refused(text, Problem.WRONG_KIND);
    assertEquals(field, e.field(), text);
    assertEquals(kind, e.expected(), text);
  }
}
