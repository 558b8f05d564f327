package dev.podium.gateway.auth;

import static dev.podium.gateway.auth.TokenVerifierTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.podium.api.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The user directory client against a real local HTTP server. Like the gateway, the tests build and
 * call it on a Vert.x context (calling it from a plain thread occasionally never completes).
 */
@ExtendWith(VertxExtension.class)
class UserDirectoryTest {
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final List<String> rawPaths = new CopyOnWriteArrayList<>();
  private String baseUrl;
  private Context context;

  @BeforeEach
  void startDirectory(Vertx vertx) throws Exception {
    HttpServer server =
        result(vertx.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1"));
    baseUrl = "http://127.0.0.1:" + server.actualPort() + "/users";
    context = vertx.getOrCreateContext();
  }

  /** Runs the call on the test's Vert.x context and waits (bounded) for its outcome. */
  private <T> T onContext(Supplier<Future<T>> call) throws Exception {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    context.runOnContext(
        v ->
            call.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        outcome.complete(ar.result());
                      } else {
                        outcome.completeExceptionally(ar.cause());
                      }
                    }));
    return outcome.get(10, TimeUnit.SECONDS);
  }

  private UserDirectory directory(Vertx vertx, String url, Duration ttl) throws Exception {
    return onContext(() -> Future.succeededFuture(new UserDirectory(vertx, url, ttl)));
  }

  private UserDirectory directory(Vertx vertx, Duration ttl) throws Exception {
    return directory(vertx, baseUrl, ttl);
  }

  private Identity confirm(UserDirectory directory, Identity identity) throws Exception {
    return onContext(() -> directory.confirm(identity));
  }

  private ErrorCode refusal(UserDirectory directory, Identity identity) throws Exception {
    try {
      Identity confirmed = confirm(directory, identity);
      throw new AssertionError("expected an AuthFailure, got " + confirmed);
    } catch (ExecutionException e) {
      assertInstanceOf(AuthFailure.class, e.getCause(), String.valueOf(e.getCause()));
      return ((AuthFailure) e.getCause()).code();
    }
  }

  private void answer(HttpServerRequest req) {
    rawPaths.add(req.path());
    String user = req.path().substring("/users/".length());
    requests.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
    switch (user) {
      case "alice" ->
          req.response()
              .putHeader("content-type", "application/json")
              .end(new JsonObject().put("username", "Alice Directory").put("id", "alice").encode());
      case "ghost" -> req.response().setStatusCode(404).end();
      case "broken" -> req.response().setStatusCode(500).end("boom");
      case "busy" -> req.response().setStatusCode(503).end();
      case "plain" -> req.response().end("yes, this user exists");
      case "nameless" -> req.response().end("{\"username\": null}");
      default -> req.response().end("{}");
    }
  }

  private int requestsFor(String user) {
    AtomicInteger n = requests.get(user);
    return n == null ? 0 : n.get();
  }

  private static Identity identity(String userId) {
    return new Identity(userId, "token name", true);
  }

  @Test
  void knownUserGetsTheDirectorysUsername(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    assertEquals(
        new Identity("alice", "Alice Directory", true), confirm(directory, identity("alice")));
    assertEquals(1, requestsFor("alice"));
  }

  @Test
  void secondCallWithinTheTtlIsServedFromTheCache(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    confirm(directory, identity("alice"));
    Identity again = confirm(directory, new Identity("alice", "other name", false));
    assertEquals(new Identity("alice", "Alice Directory", false), again);
    assertEquals(1, requestsFor("alice"));
  }

  @Test
  void expiredEntriesAreAskedAgain(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ZERO);
    confirm(directory, identity("alice"));
    confirm(directory, identity("alice"));
    assertEquals(2, requestsFor("alice"));
  }

  @Test
  void unknownUserIsUserNotFoundAndThatIsCachedToo(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    assertEquals(ErrorCode.USER_NOT_FOUND, refusal(directory, identity("ghost")));
    assertEquals(ErrorCode.USER_NOT_FOUND, refusal(directory, identity("ghost")));
    assertEquals(1, requestsFor("ghost"));
  }

  @Test
  void serverErrorIsAuthUnavailableAndNotCached(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(directory, identity("broken")));
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(directory, identity("broken")));
    assertEquals(2, requestsFor("broken"));
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(directory, identity("busy")));
  }

  @Test
  void closedPortIsAuthUnavailable(Vertx vertx) throws Exception {
    HttpServer doomed =
        result(
            vertx
                .createHttpServer()
                .requestHandler(r -> r.response().end())
                .listen(0, "127.0.0.1"));
    int port = doomed.actualPort();
    result(doomed.close());
    UserDirectory directory =
        directory(vertx, "http://127.0.0.1:" + port + "/users", Duration.ofMinutes(1));
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(directory, identity("alice")));
  }

  @Test
  void okWithoutJsonKeepsTheTokensUsername(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    assertEquals(identity("plain"), confirm(directory, identity("plain")));
    assertEquals(identity("someone"), confirm(directory, identity("someone")));
  }

  @Test
  void userIdIsEscapedIntoOnePathSegment(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    confirm(directory, identity("a/b?c#d"));
    assertEquals(List.of("/users/a%2Fb%3Fc%23d"), rawPaths);
  }

  @Test
  void spaceInUserIdIsPercentEncoded(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    confirm(directory, identity("a b"));
    assertEquals(List.of("/users/a%20b"), rawPaths);
  }

  @Test
  void okWithNullUsernameStillConfirmsTheUser(Vertx vertx) throws Exception {
    UserDirectory directory = directory(vertx, Duration.ofMinutes(1));
    assertEquals(identity("nameless"), confirm(directory, identity("nameless")));
  }
}
