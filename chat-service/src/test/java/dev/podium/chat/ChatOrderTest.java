package dev.podium.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.podium.runtime.rooms.RoomInbox;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A room hears an event's messages in id order even when the history store finishes its writes out
 * of order (a cluster ring buffer's asynchronous appends may complete in any order).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ChatOrderTest {
  private static final String EVENT = "ev-order";

  /** Numbers messages in call order, but the first write of every three finishes last. */
  private static final class SlowFirstStore implements HistoryStore {
    private final Vertx vertx;
    private long next;

    SlowFirstStore(Vertx vertx) {
      this.vertx = vertx;
    }

    @Override
    public void begin(String eventId) {}

    @Override
    public Future<Long> nextId(String eventId) {
      return Future.succeededFuture(++next);
    }

    @Override
    public Future<Void> store(String eventId, long id, JsonObject entry) {
      Promise<Void> written = Promise.promise();
      vertx.setTimer(id % 3 == 1 ? 60 : 1, t -> written.complete());
      return written.future();
    }

    @Override
    public Future<JsonArray> read(String eventId) {
      return Future.succeededFuture(new JsonArray());
    }

    @Override
    public void forget(String eventId) {}
  }

  @Test
  void broadcastsFollowIdsWhateverOrderTheStoreFinishesIn(Vertx vertx, VertxTestContext ctx) {
    ChatConfig config = new ChatConfig(200, 1000, 1000);
    List<Long> heard = new ArrayList<>();
    int posted = 30;
    RoomInbox.listen(
            vertx,
            EVENT,
            msg -> {
              heard.add(msg.body().getLong("id"));
              if (heard.size() == posted) {
                List<Long> expected = new ArrayList<>();
                for (long i = 1; i <= posted; i++) {
                  expected.add(i);
                }
                ctx.verify(() -> assertEquals(expected, heard));
                ctx.completeNow();
              }
            })
        .onSuccess(
            v ->
                vertx.runOnContext(
                    x -> {
                      ChatServiceImpl chat =
                          new ChatServiceImpl(
                              vertx,
                              new ChatRooms(config, Clock.systemUTC()),
                              new SlowFirstStore(vertx));
                      for (int i = 1; i <= posted; i++) {
                        chat.post(EVENT, "u" + (i % 4), "User", "line " + i);
                      }
                    }));
  }
}
