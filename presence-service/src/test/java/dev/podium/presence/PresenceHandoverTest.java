package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two presence-service instances sharing one state store (a local Vert.x: its shared maps stand in
 * for the cluster's). One is active; when it stops, the other takes over with the memberships, in
 * join order, and the room sees no one leave or join because of it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class PresenceHandoverTest {
  private static final String EVENT = "ev-handover";
  private static final PresenceConfig CONFIG = new PresenceConfig(100, Duration.ofMillis(50), Duration.ofSeconds(30), 500,
      Duration.ofMillis(300));

  private static Participant member(String userId, String role) {
    return new Participant(userId, "name-" + userId, role, true, "node-a", "s-" + userId);
  }

  /** Retries the call until an active instance answers (bounded by the test's timeout). */
  private static <T> Future<T> untilAnswered(Vertx vertx, java.util.function.Supplier<Future<T>> call) {
    Promise<T> answered = Promise.promise();
    call.get().onSuccess(answered::complete).onFailure(e -> vertx.setTimer(50,
        id -> untilAnswered(vertx, call).onComplete(answered)));
    return answered.future();
  }

  @Test
  void aStandbyTakesOverWithEveryoneStillInTheEvent(Vertx vertx, VertxTestContext ctx) {
    PresenceServiceVerticle one = new PresenceServiceVerticle(CONFIG);
    PresenceServiceVerticle two = new PresenceServiceVerticle(CONFIG);
    PresenceService presence = PresenceService.createProxy(vertx);
    List<JsonObject> room = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.roomEvents(EVENT), msg -> room.add(msg.body()));
    String[] deployments = new String[2];
    vertx.deployVerticle(one).compose(id -> {
      deployments[0] = id;
      return vertx.deployVerticle(two);
    }).compose(id -> {
      deployments[1] = id;
      return untilAnswered(vertx, () -> presence.join(EVENT, member("host", Participant.ROLE_HOST)));
    })
        .compose(v -> presence.join(EVENT, member("l1", Participant.ROLE_LISTENER)))
        .compose(v -> presence.join(EVENT, member("l2", Participant.ROLE_LISTENER)))
        .compose(v -> presence.join(EVENT, member("l3", Participant.ROLE_LISTENER)))
        .compose(v -> presence.setRole(EVENT, "l2", Participant.ROLE_COHOST))
        .compose(v -> presence.leave(EVENT, "l3", "s-l3"))
        .compose(v -> {
          ctx.verify(() -> assertNotEquals(one.isActive(), two.isActive(), "exactly one instance is active"));
          room.clear();
          // A clean stop of the active one: the standby takes over without waiting for a timeout.
          return vertx.undeploy(one.isActive() ? deployments[0] : deployments[1]);
        })
        .compose(v -> untilAnswered(vertx, () -> presence.page(EVENT, 0, 10)))
        .compose(page -> {
          ctx.verify(() -> {
            assertTrue(one.isActive() || two.isActive(), "the standby took over");
            assertEquals(3, page.getInteger("total"), page.encode());
            assertEquals(List.of("host", "l2", "l1"), page.getJsonArray("participants").stream()
                .map(o -> ((JsonObject) o).getString("user_id")).toList(), "roles and join order kept");
            assertEquals(Participant.ROLE_COHOST, page.getJsonArray("participants").getJsonObject(1).getString("role"));
          });
          // The new active instance carries on: a user already present cannot be joined by a guest,
          // a leave of the moved session works, a new join is announced.
          Participant guest = new Participant("l1", "guest", Participant.ROLE_LISTENER, false, "node-a", "s-guest");
          return presence.join(EVENT, guest).transform(ar -> {
            ctx.verify(() -> assertEquals(ErrorCode.USER_ID_IN_USE, ErrorCode.of(ar.cause())));
            return presence.leave(EVENT, "l1", "s-l1");
          });
        })
        .compose(v -> presence.join(EVENT, member("l4", Participant.ROLE_LISTENER)))
        .onComplete(ctx.succeeding(joined -> ctx.verify(() -> {
          assertEquals(3, joined.getInteger("count"), joined.encode());
          List<String> types = room.stream().map(m -> m.getString("type")).toList();
          assertEquals(List.of("l1"), room.stream().filter(m -> "participant_left".equals(m.getString("type")))
              .map(m -> m.getString("user_id")).toList(), "only the real leave is announced: " + types);
          assertEquals(List.of("l4"), room.stream().filter(m -> "participant_joined".equals(m.getString("type")))
              .map(m -> m.getString("user_id")).toList(), "only the real join is announced: " + types);
          ctx.completeNow();
        })));
  }
}
