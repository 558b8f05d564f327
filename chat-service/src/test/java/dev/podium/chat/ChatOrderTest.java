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
    public Future<Long> nextIds(String eventId, int count) {
      long first = next + 1;
      next += count;
      return Future.succeededFuture(first);
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

  /** Answers every numbering call 50 ms late, counting the calls. */
  private static final class SlowNumbering implements HistoryStore {
    private final Vertx vertx;
    private long next;
    int calls;

    SlowNumbering(Vertx vertx) {
      this.vertx = vertx;
    }

    @Override
    public void begin(String eventId) {}

    @Override
    public Future<Long> nextIds(String eventId, int count) {
      calls++;
      long first = next + 1;
      next += count;
      Promise<Long> answered = Promise.promise();
      vertx.setTimer(50, t -> answered.complete(first));
      return answered.future();
    }

    @Override
    public Future<Void> store(String eventId, long id, JsonObject entry) {
      return Future.succeededFuture();
    }

    @Override
    public Future<JsonArray> read(String eventId) {
      return Future.succeededFuture(new JsonArray());
    }

    @Override
    public void forget(String eventId) {}
  }

  @Test
  void aSlowClusterNumbersWaitingMessagesInBatches(Vertx vertx, VertxTestContext ctx) {
    ChatConfig config = new ChatConfig(200, 1000, 1000);
    SlowNumbering store = new SlowNumbering(vertx);
    int posted = 40;
    List<Long> answered = new ArrayList<>();
    vertx.runOnContext(
        x -> {
          ChatServiceImpl chat =
              new ChatServiceImpl(vertx, new ChatRooms(config, Clock.systemUTC()), store);
          for (int i = 1; i <= posted; i++) {
            chat.post(EVENT, "u" + (i % 4), "User", "line " + i)
                .onSuccess(
                    m -> {
                      answered.add(m.getLong("id"));
                      if (answered.size() == posted) {
                        ctx.verify(
                            () -> {
                              List<Long> expected = new ArrayList<>();
                              for (long n = 1; n <= posted; n++) {
                                expected.add(n);
                              }
                              assertEquals(expected, answered, "answered in id order");
                              // The first message is numbered alone; the 39 that waited, at once.
                              assertEquals(2, store.calls, "numbering calls for 40 messages");
                            });
                        ctx.completeNow();
                      }
                    })
                .onFailure(ctx::failNow);
          }
        });
  }
}
