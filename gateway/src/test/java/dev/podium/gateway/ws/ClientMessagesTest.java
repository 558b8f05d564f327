package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Today's pages show only an error's {@code details}: every code must come with useful ones. */
class ClientMessagesTest {

  @Test
  void everyCodeHasDetailsThatSayWhatToDo() {
    Set<String> advice = new HashSet<>();
    for (ErrorCode code : ErrorCode.values()) {
      JsonObject bare = new JsonObject(ClientMessages.error(code, null));
      String details = bare.getString("details");
      assertEquals("error", bare.getString("type"));
      assertEquals(code.code(), bare.getString("code"));
      assertFalse(details == null || details.isBlank(), code + ": " + bare);
      assertFalse(
          details.equalsIgnoreCase(code.code())
              || details.equalsIgnoreCase(code.code().replace('_', ' ')),
          code + " details are more than the code: " + details);
      assertTrue(
          details.length() >= 20 && details.endsWith("."),
          code + " details are a sentence: " + details);
      assertFalse(
          bare.getString("message").isBlank(), code + ": a message even when none was given");
      assertTrue(
          advice.add(details), code + " has advice of its own, not another code's: " + details);
    }
  }

  @Test
  void detailsAddTheAdviceToTheMessageWhenThereAreNoneOfTheirOwn() {
    for (ErrorCode code : ErrorCode.values()) {
      JsonObject error =
          new JsonObject(ClientMessages.error(code, "Something specific went wrong"));
      assertEquals("Something specific went wrong", error.getString("message"));
      assertEquals(
          "Something specific went wrong. " + ErrorAdvice.of(code),
          error.getString("details"),
          code.code());
    }
    JsonObject ended =
        new JsonObject(
            ClientMessages.error(ErrorCode.NOT_HOST, "Only the host can end the event."));
    assertEquals(
        "Only the host can end the event. " + ErrorAdvice.of(ErrorCode.NOT_HOST),
        ended.getString("details"),
        "no doubled full stop");
  }

  @Test
  void detailsOfTheirOwnAreKept() {
    JsonObject error =
        new JsonObject(
            ClientMessages.error(
                ErrorCode.USER_MISMATCH,
                "The token belongs to another user",
                "token user alice, URL user carol"));
    assertEquals("token user alice, URL user carol", error.getString("details"));
    JsonObject blank = new JsonObject(ClientMessages.error(ErrorCode.BAD_JSON, "Not JSON", "  "));
    assertEquals(
        "Not JSON. " + ErrorAdvice.of(ErrorCode.BAD_JSON),
        blank.getString("details"),
        "blank details count as none");
  }
}
