package dev.podium.api.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md shows the golden examples themselves: its section between the two markers is
 * generated from them, and this test fails when it differs. To regenerate it after changing an
 * example: {@code mvn -o -q -pl api verify -Dtest=ProtocolDocTest -Dprotocol.docs.write=true}.
 */
class ProtocolDocTest {
  private static final String START =
      "<!-- golden examples: generated from api/src/test/resources/protocol by ProtocolDocTest -->";
  private static final String END = "<!-- end of golden examples -->";
  private static final Path DOC = Path.of("..", "docs", "protocol.md");

  @Test
  void the_protocol_document_shows_every_golden_example() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf(START);
    int end = doc.indexOf(END);
    assertTrue(start >= 0 && end > start, "docs/protocol.md lacks the golden examples markers");
    String expected = START + "\n" + section() + END;
    String actual = doc.substring(start, end + END.length());
    if (Boolean.getBoolean("protocol.docs.write") && !expected.equals(actual)) {
      Files.writeString(
          DOC,
          doc.substring(0, start) + expected + doc.substring(end + END.length()),
          StandardCharsets.UTF_8);
      return;
    }
    assertEquals(
        expected,
        actual,
        "docs/protocol.md's examples differ from the golden files; regenerate (see this test's comment)");
  }

  private static String section() {
    StringBuilder out = new StringBuilder();
    out.append("\n### Server to client\n\n");
    examples(out, GoldenExamples.of("server"));
    out.append("### Client to server\n\n");
    examples(out, GoldenExamples.of("client"));
    out.append("### Every error code\n\n");
    examples(out, GoldenExamples.of("error"));
    return out.toString();
  }

  private static void examples(StringBuilder out, Map<String, String> examples) {
    examples.forEach(
        (name, json) ->
            out.append("`")
                .append(name)
                .append("`\n```json\n")
                .append(json.strip())
                .append("\n```\n\n"));
  }
}
