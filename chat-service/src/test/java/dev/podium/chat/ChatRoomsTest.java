package dev.podium.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.testkit.ManualClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatRoomsTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final String EVENT = "ev1";

  private final ManualClock clock = new ManualClock(T0);
  private final Chat rooms = new Chat(new ChatConfig(200, 1000, 5), clock);

  /** The rules (ChatRooms) and a history (MemoryHistory) together, as the service combines them. */
  private static final class Chat {
    private final ChatRooms rules;
    private final MemoryHistory history;

    Chat(ChatConfig config, ManualClock clock) {
      rules = new ChatRooms(config, clock);
      history = new MemoryHistory(config.historySize());
    }

    JsonObject accept(String eventId, String userId, String username, String text) {
      // Local rate windows answer at once.
      io.vertx.core.Future<JsonObject> accepted = rules.accept(eventId, userId, username, text);
      if (accepted.failed()) {
        throw (RuntimeException) accepted.cause();
      }
      JsonObject entry = accepted.result();
      long id = history.nextIds(eventId, 1).result();
      history.store(eventId, id, entry);
      return entry.copy().put("type", "message_broadcast").put("id", id);
    }

    JsonArray history(String eventId) {
      return history.read(eventId).result();
    }

    void forget(String eventId) {
      history.forget(eventId);
    }
  }

  private static ErrorCode refusal(Runnable post) {
    ServiceException e = assertThrows(ServiceException.class, post::run);
    return ErrorCode.of(e);
  }

  private JsonObject post(String text) {
    clock.advance(Duration.ofMillis(250)); // stay below the rate limit
    return rooms.accept(EVENT, "u1", "Alice", text);
  }

  private static List<Long> ids(JsonArray history) {
    return history.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "   \t\n ", "\u2003"})
  void emptyOrBlankIsRefused(String text) {
    assertEquals(ErrorCode.EMPTY_MESSAGE, refusal(() -> rooms.accept(EVENT, "u1", "Alice", text)));
    assertTrue(rooms.history(EVENT).isEmpty());
  }

  @Test
  void nullIsRefusedAsEmpty() {
    assertEquals(ErrorCode.EMPTY_MESSAGE, refusal(() -> rooms.accept(EVENT, "u1", "Alice", null)));
  }

  @Test
  void exactlyTheLimitIsAccepted() {
    JsonObject sent = post("a".repeat(1000));
    assertEquals(1000, sent.getString("message").length());
  }

  @Test
  void oneAboveTheLimitIsRefused() {
    assertEquals(ErrorCode.MESSAGE_TOO_LONG, refusal(() -> post("a".repeat(1001))));
    assertTrue(rooms.history(EVENT).isEmpty());
  }

  @Test
  void emojiCountAsOneCharacterEach() {
    String thumbsUp = "\uD83D\uDC4D"; // U+1F44D, two UTF-16 chars
    String thousand = thumbsUp.repeat(1000);
    assertEquals(2000, thousand.length());
    assertEquals(thousand, post(thousand).getString("message"));
    assertEquals(ErrorCode.MESSAGE_TOO_LONG, refusal(() -> post(thousand + thumbsUp)));
  }

  @Test
  void textIsStoredAndBroadcastVerbatim() {
    String text = "  <b>x</b> & <script>alert(1)</script> \"quoted\"  ";
    JsonObject sent = post(text);
    assertEquals(text, sent.getString("message"));
    assertEquals(text, rooms.history(EVENT).getJsonObject(0).getString("message"));
  }

  @Test
  void broadcastAndHistoryShapes() {
    JsonObject sent = post("hello");
    assertEquals("message_broadcast", sent.getString("type"));
    assertEquals(1L, sent.getLong("id"));
    assertEquals("hello", sent.getString("message"));
    assertEquals("Alice", sent.getString("username"));
    assertEquals("u1", sent.getString("user_id"));
    assertEquals(clock.instant().toString(), sent.getString("timestamp"));

    JsonObject kept = rooms.history(EVENT).getJsonObject(0);
    assertEquals("chat_message", kept.getString("type"));
    assertEquals(sent.copy().put("type", "chat_message"), kept);
  }

  @Test
  void idsIncreasePerEvent() {
    assertEquals(1L, post("one").getLong("id"));
    assertEquals(2L, post("two").getLong("id"));
    assertEquals(3L, rooms.accept(EVENT, "u2", "Bob", "three").getLong("id"));
    assertEquals(1L, rooms.accept("other-event", "u1", "Alice", "elsewhere").getLong("id"));
    assertEquals(List.of(1L, 2L, 3L), ids(rooms.history(EVENT)));
  }

  @Test
  void historyIsBoundedAndKeepsTheNewest() {
    Chat small = new Chat(new ChatConfig(3, 1000, 5), clock);
    for (int i = 1; i <= 7; i++) {
      clock.advance(Duration.ofMillis(300));
      small.accept(EVENT, "u1", "Alice", "m" + i);
    }
    JsonArray history = small.history(EVENT);
    assertEquals(List.of(5L, 6L, 7L), ids(history));
    assertEquals("m5", history.getJsonObject(0).getString("message"));
    assertEquals("m7", history.getJsonObject(2).getString("message"));
  }

  @Test
  void historySizeZeroKeepsNothingButStillAccepts() {
    Chat none = new Chat(new ChatConfig(0, 1000, 5), clock);
    assertEquals(1L, none.accept(EVENT, "u1", "Alice", "hi").getLong("id"));
    assertTrue(none.history(EVENT).isEmpty());
  }

  @Test
  void historyOfUnknownEventIsEmpty() {
    assertTrue(rooms.history("never").isEmpty());
  }

  @Test
  void sixthMessageWithinASecondIsRateLimitedPerUser() {
    IntStream.range(0, 5).forEach(i -> rooms.accept(EVENT, "u1", "Alice", "m" + i));
    assertEquals(
        ErrorCode.RATE_LIMITED, refusal(() -> rooms.accept(EVENT, "u1", "Alice", "too many")));
    // another user is not affected, nor the same user in another event
    rooms.accept(EVENT, "u2", "Bob", "hi");
    rooms.accept("ev2", "u1", "Alice", "hi");
    clock.advance(Duration.ofMillis(999));
    assertEquals(
        ErrorCode.RATE_LIMITED,
        refusal(() -> rooms.accept(EVENT, "u1", "Alice", "still too soon")));
    clock.advance(Duration.ofMillis(1));
    rooms.accept(EVENT, "u1", "Alice", "fine now");
    assertEquals(7, rooms.history(EVENT).size());
  }

  @Test
  void refusedMessagesTakeNoIdAndNoRateSlot() {
    post("first");
    assertEquals(ErrorCode.EMPTY_MESSAGE, refusal(() -> rooms.accept(EVENT, "u1", "Alice", " ")));
    assertEquals(
        ErrorCode.MESSAGE_TOO_LONG,
        refusal(() -> rooms.accept(EVENT, "u1", "Alice", "x".repeat(1001))));
    IntStream.range(0, 4).forEach(i -> rooms.accept(EVENT, "u1", "Alice", "m" + i));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ids(rooms.history(EVENT)));
  }

  @Test
  void forgetClearsTheEvent() {
    post("one");
    post("two");
    rooms.accept("ev2", "u1", "Alice", "kept");
    rooms.forget(EVENT);
    assertTrue(rooms.history(EVENT).isEmpty());
    assertEquals(1, rooms.history("ev2").size());
  }
}
