package dev.podium.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.history.HistoryNotice;
import dev.podium.api.history.HistoryService;
import dev.podium.runtime.ops.Observability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history-service on a real (embedded) PostgreSQL: notices sent on the event bus as the
 * services send them, read back through the proxy as the gateway does.
 */
class HistoryServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @TempDir static Path dataDir;

  private static Vertx vertx;
  private static HistoryService history;
  private static String deployment;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Observability.bind(vertx, Observability.newRegistry());
    deployment = await(vertx.deployVerticle(new HistoryServiceVerticle(config())), 120);
    history = HistoryService.createProxy(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close(), 60);
    }
  }

  private static HistoryConfig config() {
    return new HistoryConfig(Optional.empty(), dataDir, 1000, 100, 2);
  }

  // --- what users of the record see

  @Test
  void anEventsRecordHasItsVisitsRolesChatAndBans() throws Exception {
    String ev = "ev-record";
    started(ev, "host-1", "Hana", T0);
    notice(HistoryNotice.joined(ev, "s-h", "host-1", "Hana", "host", T0));
    notice(HistoryNotice.joined(ev, "s-a", "ann", "Ann", "listener", T0.plusSeconds(10)));
    notice(HistoryNotice.joined(ev, "s-b", "bob", "Bob", "listener", T0.plusSeconds(20)));
    notice(HistoryNotice.role(ev, "s-a", "ann", "cohost", T0.plusSeconds(25)));
    notice(HistoryNotice.left(ev, "s-b", "bob", T0.plusSeconds(30)));
    notice(HistoryNotice.joined(ev, "s-b2", "bob", "Bob", "listener", T0.plusSeconds(40)));
    notice(HistoryNotice.joined(ev, "s-c", "cy", "Cy", "listener", T0.plusSeconds(50)));
    notice(HistoryNotice.chat(ev, 1, "ann", "Ann", "hello", T0.plusSeconds(11)));
    notice(HistoryNotice.chat(ev, 2, "bob", "Bob", "hi <b>all</b>", T0.plusSeconds(21)));
    notice(HistoryNotice.chat(ev, 3, "host-1", "Hana", "welcome", T0.plusSeconds(22)));
    notice(HistoryNotice.banned(ev, "cy", "host-1", T0.plusSeconds(55)));
    notice(HistoryNotice.left(ev, "s-c", "cy", T0.plusSeconds(55)));
    ended(ev, "host-1", "Hana", T0, T0.plusSeconds(120), LifecycleNotice.HOST_ENDED);

    JsonObject summary =
        eventually(
            () -> history.event(ev, "host-1"),
            s ->
                s.getString("ended_at") != null
                    && s.getLong("chat_messages") == 3
                    && s.getLong("bans") == 1
                    && s.getLong("visits") == 5);
    assertEquals("Hana", summary.getJsonObject("host").getString("username"));
    assertEquals(T0.toString(), summary.getString("started_at"));
    assertEquals(T0.plusSeconds(120).toString(), summary.getString("ended_at"));
    assertEquals("host_ended", summary.getString("end_reason"));
    assertEquals(120, summary.getLong("duration_seconds"));
    assertEquals(false, summary.getBoolean("live"));
    assertEquals(3, summary.getLong("unique_listeners"), "ann, bob and cy; the host is not one");
    // ann + bob (0:20-0:30), then ann + bob again (0:40) + cy (0:50-0:55).
    assertEquals(3, summary.getLong("peak_listeners"));

    JsonObject page1 = await(history.chat(ev, "host-1", 0, 2), 10);
    assertEquals(List.of(1L, 2L), ids(page1.getJsonArray("messages")));
    assertEquals(2L, page1.getLong("next"));
    assertEquals(
        "hi <b>all</b>", page1.getJsonArray("messages").getJsonObject(1).getString("message"));
    assertEquals(
        T0.plusSeconds(21).toString(),
        page1.getJsonArray("messages").getJsonObject(1).getString("timestamp"));
    JsonObject page2 = await(history.chat(ev, "host-1", 2, 2), 10);
    assertEquals(List.of(3L), ids(page2.getJsonArray("messages")));
    assertNull(page2.getLong("next"));

    // What the chat-service numbers on from, and refills a lost ring with.
    JsonObject recent = await(history.recentChat(ev, 2), 10);
    assertEquals(3L, recent.getLong("last_id"));
    assertEquals(List.of(2L, 3L), ids(recent.getJsonArray("messages")));
    JsonObject none = await(history.recentChat("never-chatted", 200), 10);
    assertEquals(0L, none.getLong("last_id"));
    assertEquals(0, none.getJsonArray("messages").size());
    assertEquals(0, await(history.recentChat(ev, 0), 10).getJsonArray("messages").size());

    JsonObject visits = await(history.attendance(ev, "host-1", 0, 100), 10);
    assertEquals(5, visits.getInteger("total"));
    JsonArray rows = visits.getJsonArray("attendance");
    assertEquals(
        List.of("host-1", "ann", "bob", "bob", "cy"),
        rows.stream().map(r -> ((JsonObject) r).getString("user_id")).toList());
    assertEquals(
        new JsonArray().add("cohost").add("listener"), rows.getJsonObject(1).getJsonArray("roles"));
    assertEquals(T0.plusSeconds(30).toString(), rows.getJsonObject(2).getString("left_at"));
    assertEquals(
        T0.plusSeconds(120).toString(),
        rows.getJsonObject(1).getString("left_at"),
        "a visit still open ends with its event");
    JsonObject second = await(history.attendance(ev, "host-1", 4, 2), 10);
    assertEquals(1, second.getJsonArray("attendance").size());
    JsonObject past = await(history.attendance(ev, "host-1", 50, 2), 10);
    assertEquals(0, past.getJsonArray("attendance").size());
    assertEquals(5, past.getInteger("total"));
  }

  @Test
  void noticesThatComeTwiceOrOutOfOrderLeaveTheSameRecord() throws Exception {
    String ev = "ev-disorder";
    // The end before the start, a leave before its join, a role before the join, a line twice.
    ended(ev, "host-2", "Hal", T0, T0.plusSeconds(60), LifecycleNotice.HOST_LOST);
    notice(HistoryNotice.left(ev, "s-a", "ann", T0.plusSeconds(40)));
    notice(HistoryNotice.role(ev, "s-a", "ann", "cohost", T0.plusSeconds(20)));
    notice(HistoryNotice.chat(ev, 1, "ann", "Ann", "once", T0.plusSeconds(15)));
    notice(HistoryNotice.chat(ev, 1, "ann", "Ann", "once", T0.plusSeconds(15)));
    notice(HistoryNotice.joined(ev, "s-a", "ann", "Ann", "listener", T0.plusSeconds(10)));
    notice(HistoryNotice.joined(ev, "s-a", "ann", "Ann", "listener", T0.plusSeconds(10)));
    started(ev, "host-2", "Hal", T0);
    started(ev, "host-2", "Hal", T0);

    JsonObject summary =
        eventually(
            () -> history.attendance(ev, "host-2", 0, 10),
            a ->
                a.getJsonArray("attendance").size() == 1
                    && a.getJsonArray("attendance").getJsonObject(0).getJsonArray("roles").size()
                        == 2);
    JsonObject visit = summary.getJsonArray("attendance").getJsonObject(0);
    assertEquals("Ann", visit.getString("username"));
    assertEquals(T0.plusSeconds(10).toString(), visit.getString("joined_at"));
    assertEquals(T0.plusSeconds(40).toString(), visit.getString("left_at"));
    JsonObject event = await(history.event(ev, "host-2"), 10);
    assertEquals(
        T0.plusSeconds(60).toString(),
        event.getString("ended_at"),
        "a late start does not reopen it");
    assertEquals("host_lost", event.getString("end_reason"));
    assertEquals(1, event.getLong("chat_messages"));
    assertEquals(1, event.getLong("peak_listeners"));
  }

  @Test
  void onlyTheHostReadsAnEventsRecord() throws Exception {
    String ev = "ev-private";
    started(ev, "host-3", "Hedy", T0);
    eventually(() -> history.event(ev, "host-3"), s -> true);
    for (Supplier<Future<JsonObject>> call :
        List.<Supplier<Future<JsonObject>>>of(
            () -> history.event(ev, "ann"),
            () -> history.chat(ev, "ann", 0, 10),
            () -> history.attendance(ev, "ann", 0, 10))) {
      assertEquals(ErrorCode.NOT_HOST, failure(call.get()));
    }
    assertEquals(ErrorCode.EVENT_NOT_FOUND, failure(history.event("no-such-event", "host-3")));
    assertEquals(
        ErrorCode.EVENT_NOT_FOUND, failure(history.chat("no-such-event", "host-3", 0, 10)));
  }

  @Test
  void aHostsEventsComeNewestFirstInPages() throws Exception {
    for (int i = 0; i < 5; i++) {
      started("ev-page-" + i, "host-4", "Hugo", T0.plusSeconds(i * 3600L));
    }
    started("ev-other-host", "host-5", "Other", T0);
    eventually(
        () -> history.events("host-4", null, 100), p -> p.getJsonArray("events").size() == 5);
    JsonObject first = await(history.events("host-4", null, 2), 10);
    assertEquals(List.of("ev-page-4", "ev-page-3"), eventIds(first));
    JsonObject second = await(history.events("host-4", first.getString("next"), 2), 10);
    assertEquals(List.of("ev-page-2", "ev-page-1"), eventIds(second));
    JsonObject third = await(history.events("host-4", second.getString("next"), 2), 10);
    assertEquals(List.of("ev-page-0"), eventIds(third));
    assertNull(third.getString("next"));
    assertEquals(true, first.getJsonArray("events").getJsonObject(0).getBoolean("live"));
  }

  // --- abuse

  @Test
  void badPagesAreRefusedWithBadRequest() throws Exception {
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.events("host-4", null, 0)));
    assertEquals(
        ErrorCode.BAD_REQUEST,
        failure(history.events("host-4", null, HistoryService.MAX_PAGE + 1)));
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.events("host-4", "not a cursor!", 10)));
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.events("host-4", "x".repeat(5000), 10)));
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.events("", null, 10)));
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.chat("ev-record", "host-1", -1, 10)));
    assertEquals(
        ErrorCode.BAD_REQUEST,
        failure(history.chat("ev-record", "host-1", 0, HistoryQueries.MAX_CHAT_PAGE + 1)));
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.recentChat("ev-record", -1)));
    assertEquals(
        ErrorCode.BAD_REQUEST,
        failure(history.recentChat("ev-record", HistoryService.MAX_RECENT_CHAT + 1)));
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.attendance("ev-record", "host-1", -5, 10)));
    assertEquals(ErrorCode.BAD_REQUEST, failure(history.attendance("ev-record", "host-1", 0, 0)));
  }

  @Test
  void malformedNoticesAreCountedAndTheNextOneIsStillWritten() throws Exception {
    double before = counter("malformed");
    notice(new JsonObject().put("kind", "joined"));
    notice(new JsonObject().put("kind", "chat").put("event_id", "ev-bad").put("id", "seven"));
    notice(new JsonObject().put("kind", "no-such-kind").put("event_id", "ev-bad"));
    notice(HistoryNotice.banned("ev-bad", "u", "h", T0).put("at", "yesterday"));
    vertx.eventBus().send(Addresses.HISTORY_NOTICES, "not json at all");
    vertx.eventBus().publish(Addresses.ROOM_LIFECYCLE, new JsonObject().put("kind", "started"));
    String ev = "ev-after-bad";
    started(ev, "host-6", "Hank", T0);
    // A chat line with characters PostgreSQL text cannot hold is kept, not lost.
    notice(HistoryNotice.chat(ev, 1, "u", "U", "nul\u0000here", T0));
    JsonObject chat =
        eventually(
            () -> history.chat(ev, "host-6", 0, 10), c -> c.getJsonArray("messages").size() == 1);
    assertEquals(
        "nul\uFFFDhere", chat.getJsonArray("messages").getJsonObject(0).getString("message"));
    assertEquals(before + 6, counter("malformed"));
  }

  @Test
  void theRecordOutlivesARestartOfTheServiceAndItsDatabase() throws Exception {
    String ev = "ev-restart";
    started(ev, "host-7", "Hope", T0);
    notice(HistoryNotice.chat(ev, 1, "u", "U", "before the restart", T0));
    eventually(
        () -> history.chat(ev, "host-7", 0, 10), c -> c.getJsonArray("messages").size() == 1);
    await(vertx.undeploy(deployment), 60);
    deployment = await(vertx.deployVerticle(new HistoryServiceVerticle(config())), 120);
    JsonObject chat = await(history.chat(ev, "host-7", 0, 10), 10);
    assertEquals(
        "before the restart", chat.getJsonArray("messages").getJsonObject(0).getString("message"));
  }

  // --- plumbing

  private static void started(String ev, String host, String name, Instant at) {
    vertx
        .eventBus()
        .publish(
            Addresses.ROOM_LIFECYCLE,
            LifecycleNotice.of(LifecycleNotice.STARTED, event(ev, host, name, at)));
  }

  private static void ended(
      String ev, String host, String name, Instant started, Instant at, String reason) {
    vertx
        .eventBus()
        .publish(
            Addresses.ROOM_LIFECYCLE,
            LifecycleNotice.ended(event(ev, host, name, started), reason, at));
  }

  private static JsonObject event(String ev, String host, String name, Instant started) {
    return new JsonObject()
        .put("event_id", ev)
        .put("host", new JsonObject().put("user_id", host).put("username", name))
        .put("started_at", started.toString())
        .put("mode", "audio");
  }

  private static void notice(JsonObject notice) {
    vertx.eventBus().send(Addresses.HISTORY_NOTICES, notice);
  }

  private static double counter(String result) {
    var c =
        Observability.registry(vertx)
            .find("podium_history_records_total")
            .tag("result", result)
            .functionCounter();
    return c == null ? 0 : c.count();
  }

  private static List<Long> ids(JsonArray messages) {
    return messages.stream().map(m -> ((JsonObject) m).getLong("id")).toList();
  }

  private static List<String> eventIds(JsonObject page) {
    return page.getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("event_id"))
        .toList();
  }

  private static ErrorCode failure(Future<?> call) throws Exception {
    try {
      await(call, 10);
    } catch (java.util.concurrent.ExecutionException e) {
      return ErrorCode.of(e.getCause());
    }
    return fail("expected a refusal");
  }

  /** Asks until the answer satisfies {@code done}; the record is written behind, a moment later. */
  private static <T> T eventually(Supplier<Future<T>> ask, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Throwable last = null;
    T answer = null;
    while (System.nanoTime() < deadline) {
      try {
        answer = await(ask.get(), 10);
        if (done.test(answer)) {
          return answer;
        }
      } catch (java.util.concurrent.ExecutionException e) {
        last = e.getCause();
      }
      await(Future.future(p -> vertx.setTimer(50, id -> p.complete())), 10);
    }
    throw new AssertionError("not so within " + WAIT + ": last answer " + answer, last);
  }

  private static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }
}
