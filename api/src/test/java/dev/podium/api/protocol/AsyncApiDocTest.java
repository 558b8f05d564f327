package dev.podium.api.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml is the machine-readable contract of the WebSocket API. It is generated from
 * the message records ({@link AsyncApiContract}) and this test fails when the checked-in file
 * differs, so code and document cannot drift; every golden example must validate against its
 * message's JSON Schema in it (so examples and document cannot drift either). To regenerate after
 * changing a message: {@code mvn -o -q -pl api verify -Dtest=AsyncApiDocTest
 * -Dprotocol.docs.write=true}.
 */
class AsyncApiDocTest {
  private static final Path DOC = Path.of("..", "docs", "asyncapi.yaml");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void the_document_is_the_one_the_message_types_make() throws IOException {
    String expected =
        "# Generated from the message records in api by AsyncApiDocTest: do not edit by hand.\n"
            + AsyncApiContract.yaml(new AsyncApiContract().document());
    String actual = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    if (Boolean.getBoolean("protocol.docs.write") && !expected.equals(actual)) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
      return;
    }
    assertEquals(
        expected,
        actual,
        "docs/asyncapi.yaml differs from the message types; regenerate (see this test's comment)");
  }

  @Test
  void every_golden_example_fits_its_schema() {
    Map<String, Object> doc = new AsyncApiContract().document();
    ProtocolCodec.serverTypes()
        .forEach(
            (type, record) -> assertFits(doc, record, GoldenExamples.of("server").get(type), type));
    ProtocolCodec.clientTypes()
        .forEach(
            (type, record) -> assertFits(doc, record, GoldenExamples.of("client").get(type), type));
    GoldenExamples.of("error")
        .forEach(
            (code, json) ->
                assertFits(doc, ServerMessage.ErrorMessage.class, json, "error " + code));
  }

  @Test
  void a_message_off_its_schema_is_caught() throws IOException {
    Map<String, Object> doc = new AsyncApiContract().document();
    JsonSchema count = schema(doc, ServerMessage.ParticipantCount.class);
    assertTrue(
        count.validate(JSON.readTree("{\"type\":\"participant_count\",\"count\":3}")).isEmpty());
    assertFalse(
        count
            .validate(JSON.readTree("{\"type\":\"participant_count\",\"count\":\"three\"}"))
            .isEmpty(),
        "a wrong type");
    assertFalse(
        count.validate(JSON.readTree("{\"type\":\"participant_count\"}")).isEmpty(),
        "a missing field");
    assertFalse(
        count.validate(JSON.readTree("{\"type\":\"participant_list\",\"count\":3}")).isEmpty(),
        "another type");
    assertFalse(
        count
            .validate(
                JSON.readTree("{\"type\":\"participant_count\",\"count\":3,\"event_id\":\"e\"}"))
            .isEmpty(),
        "a field the server does not send (today's host page keys on event_id)");
    JsonSchema error = schema(doc, ServerMessage.ErrorMessage.class);
    assertFalse(
        error
            .validate(
                JSON.readTree(
                    "{\"type\":\"error\",\"code\":\"no_such_code\",\"message\":\"m\",\"details\":\"d\"}"))
            .isEmpty(),
        "an unknown error code");
    JsonSchema leave = schema(doc, ClientMessage.LeaveRoom.class);
    assertTrue(
        leave.validate(JSON.readTree("{\"type\":\"leave_room\",\"anything\":1}")).isEmpty(),
        "clients may send more than is read");
  }

  private static void assertFits(
      Map<String, Object> doc, Class<?> record, String example, String what) {
    assertTrue(example != null, "no golden example for " + what);
    try {
      Set<ValidationMessage> problems = schema(doc, record).validate(JSON.readTree(example));
      assertTrue(problems.isEmpty(), what + ": " + problems);
    } catch (IOException e) {
      throw new AssertionError(what + ": " + e.getMessage(), e);
    }
  }

  /** The record's schema, with the document's other schemas beside it for its references. */
  private static JsonSchema schema(Map<String, Object> doc, Class<?> record) {
    ObjectNode root = JSON.valueToTree(Map.of("components", ((Map<?, ?>) doc.get("components"))));
    root.put("$ref", "#/components/schemas/" + AsyncApiContract.schemaName(record));
    JsonNode node = root;
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node);
  }
}
