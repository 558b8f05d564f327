package dev.podium.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.history.HistoryService;
import dev.podium.gateway.auth.DevTokens;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.web.FrameAncestors;
import dev.podium.gateway.web.OriginPolicy;
import dev.podium.gateway.web.WebPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The record's HTTP routes against a history-service that answers what it was asked (the real one
 * on PostgreSQL is in deploy's HistoryEndToEndTest): who may ask, how a bad query is refused, and
 * that the routes pass the caller on.
 */
class HistoryRoutesTest {
  private static final String SECRET = "history-routes-test-secret-0123456789abcdef";

  private static Vertx vertx;
  private static HttpServer server;
  private static HttpClient client;
  private static io.vertx.core.Context context;
  private static DevTokens tokens;
  private static final List<String> calls = new CopyOnWriteArrayList<>();

  private record Reply(int status, String authenticate, JsonObject body) {}

  /** Answers with what it was asked, and refuses what the real service refuses first. */
  private static final class EchoHistory implements HistoryService {
    @Override
    public Future<JsonObject> events(String hostId, String before, int limit) {
      calls.add("events " + hostId + " " + before + " " + limit);
      return Future.succeededFuture(new JsonObject().put("events", List.of()).putNull("next"));
    }

    @Override
    public Future<JsonObject> event(String eventId, String requesterId) {
      calls.add("event " + eventId + " " + requesterId);
      if (!"hana".equals(requesterId)) {
        return Future.failedFuture(ErrorCode.NOT_HOST.exception("not yours"));
      }
      return "gone".equals(eventId)
          ? Future.failedFuture(ErrorCode.EVENT_NOT_FOUND.exception("no such event"))
          : Future.succeededFuture(new JsonObject().put("event_id", eventId));
    }

    @Override
    public Future<JsonObject> chat(String eventId, String requesterId, long after, int limit) {
      calls.add("chat " + eventId + " " + requesterId + " " + after + " " + limit);
      return Future.succeededFuture(new JsonObject().put("messages", List.of()));
    }

    @Override
    public Future<JsonObject> recording(String eventId, String requesterId, String recordingId) {
      calls.add("recording " + eventId + " " + requesterId + " " + recordingId);
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no recording"));
    }

    @Override
    public Future<JsonObject> recentChat(String eventId, int limit) {
      calls.add("recentChat " + eventId + " " + limit);
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("not for users"));
    }

    @Override
    public Future<JsonObject> attendance(
        String eventId, String requesterId, int offset, int limit) {
      calls.add("attendance " + eventId + " " + requesterId + " " + offset + " " + limit);
      return Future.succeededFuture(new JsonObject().put("attendance", List.of()));
    }
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = new DevTokens(vertx, SECRET, "user_id");
    WebPolicy web = new WebPolicy(OriginPolicy.parse("https://app.example"), FrameAncestors.none());
    server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    HttpRoutes.create(
                        vertx,
                        () -> io.vertx.core.Future.failedFuture("no presence-service here"),
                        HistoryService.createProxy(vertx),
                        new TokenVerifier(vertx, SECRET, "user_id"),
                        new dev.podium.gateway.edge.TokenBuckets(
                            HistoryRoutes.READS_PER_SECOND,
                            HistoryRoutes.READ_BURST,
                            System::nanoTime),
                        Optional.empty(),
                        web))
                .listen(0, "127.0.0.1"));
    client = vertx.createHttpClient();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static MessageConsumer<JsonObject> bind() {
    return new ServiceBinder(vertx)
        .setAddress(Addresses.HISTORY_SERVICE)
        .register(HistoryService.class, new EchoHistory());
  }

  private static Reply get(String uri, String authorization) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(server.actualPort())
            .setURI(uri);
    if (authorization != null) {
      options.addHeader("Authorization", authorization);
    }
    Promise<Reply> reply = Promise.promise();
    context.runOnContext(
        v ->
            client
                .request(options)
                .compose(req -> req.send())
                .compose(
                    (HttpClientResponse r) ->
                        r.body()
                            .map(
                                b ->
                                    new Reply(
                                        r.statusCode(),
                                        r.getHeader("WWW-Authenticate"),
                                        b.toJsonObject())))
                .onComplete(reply));
    return await(reply.future());
  }

  private static String bearer(String userId) {
    return "Bearer " + tokens.issue(userId, userId, 5);
  }

  @Test
  void theHostReadsTheirRecordAndTheCallerIsPassedOn() {
    MessageConsumer<JsonObject> bound = bind();
    try {
      calls.clear();
      assertEquals(200, get("/api/events?host=hana", bearer("hana")).status());
      assertEquals(200, get("/api/events?host=hana&limit=5&before=abc", bearer("hana")).status());
      assertEquals(200, get("/api/events/ev1", bearer("hana")).status());
      assertEquals(200, get("/api/events/ev1/chat?after=7&limit=50", bearer("hana")).status());
      assertEquals(200, get("/api/events/ev1/attendance?offset=10", bearer("hana")).status());
      assertEquals(
          List.of(
              "events hana null " + HistoryRoutes.DEFAULT_EVENTS,
              "events hana abc 5",
              "event ev1 hana",
              "chat ev1 hana 7 50",
              "attendance ev1 hana 10 " + HistoryRoutes.DEFAULT_ATTENDANCE),
          calls);
    } finally {
      await(bound.unregister());
    }
  }

  @Test
  void noTokenOrABadOneIsUnauthorised() {
    MessageConsumer<JsonObject> bound = bind();
    try {
      Reply none = get("/api/events/ev1", null);
      assertEquals(401, none.status());
      assertEquals("Bearer", none.authenticate());
      assertEquals("token_missing", none.body().getString("code"));
      Reply forged =
          get(
              "/api/events/ev1",
              "Bearer "
                  + new DevTokens(vertx, "another-secret-0123456789abcdef0123", "user_id")
                      .issue("hana", "Hana", 5));
      assertEquals(401, forged.status());
      assertEquals("token_invalid", forged.body().getString("code"));
      assertEquals(401, get("/api/events/ev1", "Basic aGFuYTpwdw==").status());
      assertEquals(401, get("/api/events/ev1", "Bearer not.a.jwt").status());
    } finally {
      await(bound.unregister());
    }
  }

  @Test
  void anotherUsersRecordIsForbiddenAndAnUnknownEventIsNotFound() {
    MessageConsumer<JsonObject> bound = bind();
    try {
      Reply others = get("/api/events?host=hana", bearer("mallory"));
      assertEquals(403, others.status());
      assertEquals("not_host", others.body().getString("code"));
      assertEquals(403, get("/api/events/ev1", bearer("mallory")).status());
      Reply gone = get("/api/events/gone", bearer("hana"));
      assertEquals(404, gone.status());
      assertEquals("event_not_found", gone.body().getString("code"));
    } finally {
      await(bound.unregister());
    }
  }

  @Test
  void badQueriesAreRefusedBeforeTheServiceIsAsked() {
    MessageConsumer<JsonObject> bound = bind();
    try {
      calls.clear();
      for (String uri :
          List.of(
              "/api/events",
              "/api/events?host=hana&limit=0",
              "/api/events?host=hana&limit=101",
              "/api/events?host=hana&limit=ten",
              "/api/events/ev1/chat?after=-1",
              "/api/events/ev1/chat?limit=1001",
              "/api/events/ev1/attendance?offset=99999999999")) {
        Reply r = get(uri, bearer("hana"));
        assertEquals(400, r.status(), uri);
        assertEquals("bad_request", r.body().getString("code"), uri);
      }
      assertEquals(List.of(), calls);
    } finally {
      await(bound.unregister());
    }
  }

  @Test
  void aUserAskingTooFastIsToldToWaitAndOthersAreNot() {
    MessageConsumer<JsonObject> bound = bind();
    try {
      int ok = 0;
      Reply refused = null;
      for (int i = 0; i < HistoryRoutes.READ_BURST + 10 && refused == null; i++) {
        Reply r = get("/api/events/ev1", bearer("greedy"));
        if (r.status() == 429) {
          refused = r;
        } else {
          ok++;
        }
      }
      assertEquals(HistoryRoutes.READ_BURST, ok, "the burst, then no more");
      assertEquals("rate_limited", refused.body().getString("code"));
      assertEquals(200, get("/api/events/ev1", bearer("hana")).status(), "another user carries on");
    } finally {
      await(bound.unregister());
    }
  }

  @Test
  void withNoHistoryServiceTheRecordIsUnavailable() {
    Reply r = get("/api/events/ev1", bearer("hana"));
    assertEquals(503, r.status());
    assertEquals("service_unavailable", r.body().getString("code"));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
