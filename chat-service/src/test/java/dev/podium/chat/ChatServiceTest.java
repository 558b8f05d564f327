package dev.podium.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.chat.ChatService;
import dev.podium.runtime.rooms.RoomInbox;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chat-service deployed on a local Vert.x and called through its proxy. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ChatServiceTest {
  private static final String EVENT = "ev-chat";

  private ChatService chat;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    chat = ChatService.createProxy(vertx);
    vertx
        .deployVerticle(new ChatServiceVerticle(new ChatConfig(200, 1000, 5)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void postPublishesToTheRoomAndHistoryReturnsIt(Vertx vertx, VertxTestContext ctx) {
    Checkpoint broadcasts = ctx.checkpoint(2);
    Checkpoint history = ctx.checkpoint();
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    Future<RoomInbox> room =
        RoomInbox.listen(
            vertx,
            EVENT,
            msg ->
                ctx.verify(
                    () -> {
                      JsonObject body = msg.body();
                      received.add(body);
                      assertEquals("message_broadcast", body.getString("type"));
                      if (received.size() == 1) {
                        assertEquals("<b>x</b>", body.getString("message"));
                        assertEquals("Alice", body.getString("username"));
                        assertEquals("u1", body.getString("user_id"));
                        assertEquals(1L, body.getLong("id"));
                      } else {
                        assertEquals("second", body.getString("message"));
                        assertEquals("u2", body.getString("user_id"));
                        assertEquals(2L, body.getLong("id"));
                      }
                      broadcasts.flag();
                    }));
    room.compose(v -> chat.post(EVENT, "u1", "Alice", "<b>x</b>"))
        .compose(
            sent -> {
              ctx.verify(() -> assertEquals("message_broadcast", sent.getString("type")));
              return chat.post(EVENT, "u2", "Bob", "second").compose(v -> chat.history(EVENT));
            })
        .onComplete(
            ctx.succeeding(
                entries ->
                    ctx.verify(
                        () -> {
                          assertEquals(2, entries.size());
                          JsonObject first = entries.getJsonObject(0);
                          assertEquals("chat_message", first.getString("type"));
                          assertEquals("<b>x</b>", first.getString("message"));
                          assertEquals("chat_message", entries.getJsonObject(1).getString("type"));
                          assertEquals("second", entries.getJsonObject(1).getString("message"));
                          assertEquals(2L, entries.getJsonObject(1).getLong("id"));
                          history.flag();
                        })));
  }

  @Test
  void refusalsTravelAsErrorCodes(VertxTestContext ctx) {
    chat.post(EVENT, "u1", "Alice", "   ")
        .transform(
            ar -> {
              ctx.verify(() -> assertEquals(ErrorCode.EMPTY_MESSAGE, ErrorCode.of(ar.cause())));
              return chat.post(EVENT, "u1", "Alice", "y".repeat(1001));
            })
        .transform(
            ar -> {
              ctx.verify(() -> assertEquals(ErrorCode.MESSAGE_TOO_LONG, ErrorCode.of(ar.cause())));
              Future<JsonObject> last = Future.succeededFuture();
              for (int i = 0; i < 6; i++) {
                String text = "m" + i;
                last = last.compose(v -> chat.post(EVENT, "u1", "Alice", text));
              }
              return last;
            })
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertEquals(ErrorCode.RATE_LIMITED, ErrorCode.of(e));
                          ctx.completeNow();
                        })));
  }

  @Test
  void endedEventLosesItsHistory(Vertx vertx, VertxTestContext ctx) {
    chat.post(EVENT, "u1", "Alice", "hello")
        .compose(v -> chat.history(EVENT))
        .compose(
            before -> {
              ctx.verify(() -> assertEquals(1, before.size()));
              vertx
                  .eventBus()
                  .publish(
                      Addresses.ROOM_LIFECYCLE,
                      LifecycleNotice.of(
                          LifecycleNotice.ENDED, new JsonObject().put("event_id", EVENT)));
              return historyUntilEmpty(vertx, 100);
            })
        .onComplete(
            ctx.succeeding(
                after ->
                    ctx.verify(
                        () -> {
                          assertTrue(after.isEmpty());
                          ctx.completeNow();
                        })));
  }

  /** Asks for the history every 10 ms until it is empty, at most {@code attempts} times. */
  private Future<JsonArray> historyUntilEmpty(Vertx vertx, int attempts) {
    return chat.history(EVENT)
        .compose(
            h -> {
              if (h.isEmpty() || attempts <= 1) {
                return Future.succeededFuture(h);
              }
              Promise<JsonArray> next = Promise.promise();
              vertx.setTimer(10, t -> historyUntilEmpty(vertx, attempts - 1).onComplete(next));
              return next.future();
            });
  }
}
