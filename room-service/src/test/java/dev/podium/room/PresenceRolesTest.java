package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.api.presence.PresenceService;
import dev.podium.testkit.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence hears of role changes after the stage change, in order, with the role the stage gives
 * when it is sent, again after a failure, and from the record when the event moves. Presence here
 * is a proxy whose answers the test decides, call by call.
 */
class PresenceRolesTest {
  private Vertx vertx;
  private Context loop;

  /** The role the stage gives each user of event "e" now; an absent event is not held. */
  private final Map<String, String> stage = new HashMap<>();

  private boolean held = true;

  /** Every setRole call, "user role", with the promise that answers it. */
  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

  private final List<String> sent = new CopyOnWriteArrayList<>();
  private PresenceRoles roles;

  private record Call(String told, Promise<Void> answer) {}

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    PresenceService presence =
        (PresenceService)
            Proxy.newProxyInstance(
                PresenceService.class.getClassLoader(),
                new Class<?>[] {PresenceService.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("setRole")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  Promise<Void> answer = Promise.promise();
                  sent.add(args[1] + " " + args[2]);
                  calls.add(new Call(args[1] + " " + args[2], answer));
                  return answer.future();
                });
    OnContext.await(
        loop,
        () -> {
          roles =
              new PresenceRoles(
                  presence,
                  (eventId, userId) ->
                      held && eventId.equals("e") ? stage.getOrDefault(userId, "listener") : null,
                  (eventId, delay, action) -> vertx.setTimer(delay, t -> action.run()));
          return Future.succeededFuture();
        });
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aFailedTellingIsRetriedWithTheRoleTheStageGivesThen() throws Exception {
    onLoop(
        () -> {
          stage.put("ann", "cohost");
          roles.tell("e", "ann");
        });
    Call first = next();
    assertEquals("ann cohost", first.told());
    // Presence is moving: the telling fails. Meanwhile the host removes Ann again.
    onLoop(
        () -> {
          stage.put("ann", "listener");
          first.answer().fail(ErrorCode.SERVICE_UNAVAILABLE.exception("moving"));
        });
    assertEquals(List.of("ann"), due(), "not confirmed: the record names Ann for an heir");
    Call retry = next();
    assertEquals("ann listener", retry.told(), "never the older role again");
    onLoop(() -> retry.answer().complete());
    // due() runs on the same context, after the answer's callbacks.
    assertTrue(due().isEmpty(), "confirmed: nothing left for an heir");
  }

  @Test
  void oneEventsTellingsGoOutOneAfterTheOther() throws Exception {
    onLoop(
        () -> {
          stage.put("ann", "cohost");
          roles.tell("e", "ann");
          stage.put("bob", "cohost");
          roles.tell("e", "bob");
        });
    Call ann = next();
    assertNull(calls.poll(300, TimeUnit.MILLISECONDS), "Bob waits for Ann's answer");
    onLoop(() -> ann.answer().complete());
    assertEquals("bob cohost", next().told());
  }

  @Test
  void anHeirTellsTheUsersTheRecordNames() throws Exception {
    onLoop(
        () -> {
          stage.put("cy", "cohost");
          roles.tellDue("e", new JsonObject().put(PresenceRoles.FIELD, new JsonArray().add("cy")));
        });
    assertEquals("cy cohost", next().told());
  }

  @Test
  void nothingIsToldForAnEventNoLongerHeldHere() throws Exception {
    onLoop(
        () -> {
          held = false;
          roles.tell("e", "ann");
        });
    assertNull(calls.poll(300, TimeUnit.MILLISECONDS));
    assertFalse(due().contains("ann"));
  }

  private List<String> due() {
    JsonObject record = new JsonObject();
    try {
      OnContext.await(
          loop,
          () -> {
            roles.writeDue("e", record);
            return Future.succeededFuture();
          });
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return record.getJsonArray(PresenceRoles.FIELD, new JsonArray()).getList();
  }

  private Call next() throws InterruptedException {
    Call call = calls.poll(5, TimeUnit.SECONDS);
    if (call == null) {
      throw new AssertionError("presence was not called within 5 s; sent so far: " + sent);
    }
    return call;
  }

  private void onLoop(Runnable action) throws Exception {
    OnContext.await(
        loop,
        () -> {
          action.run();
          return Future.succeededFuture();
        });
  }
}
