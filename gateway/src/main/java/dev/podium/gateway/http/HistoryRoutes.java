package dev.podium.gateway.http;

import dev.podium.api.ErrorCode;
import dev.podium.api.history.HistoryService;
import dev.podium.gateway.auth.AuthFailure;
import dev.podium.gateway.auth.Identity;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.edge.TokenBuckets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;

/**
 * The record of past events over HTTP (docs/storage.md, "Reading the record"), for the host who ran
 * them: {@code GET /api/events?host=}, {@code /api/events/{id}}, {@code /api/events/{id}/chat},
 * {@code /api/events/{id}/attendance}. The caller shows a token in {@code Authorization: Bearer};
 * the history-service checks that its user is the event's host. Answers are never cached.
 */
final class HistoryRoutes {
  /** Default page sizes. */
  static final int DEFAULT_EVENTS = 20;

  static final int DEFAULT_CHAT = 200;
  static final int DEFAULT_ATTENDANCE = 100;

  private HistoryRoutes() {}

  /**
   * Requests one user may make of the record's routes, per second and at once (per gateway node): a
   * few pages a second is plenty for a person or a dashboard, and each one costs the database a
   * query. A recording streamed with ranges counts each range request.
   */
  static final int READS_PER_SECOND = 5;

  static final int READ_BURST = 30;

  static void mount(
      Vertx vertx,
      Router router,
      HistoryService history,
      TokenVerifier tokens,
      TokenBuckets reads) {
    RecordingDownload download = new RecordingDownload(vertx);
    router
        .get("/api/events/:id/recording")
        .handler(
            ctx -> {
              // An <audio> element cannot send a header: the token may come in the query string.
              String token = bearer(ctx);
              if (token == null) {
                token = ctx.request().getParam("token");
              }
              QueryParams query = new QueryParams(ctx);
              tokens
                  .verifyAnyUser(token)
                  .compose(caller -> withinBudget(reads, caller))
                  .compose(
                      caller ->
                          history.recording(
                              ctx.pathParam("id"), caller.userId(), query.text("recording")))
                  .compose(
                      recording ->
                          download
                              .size(recording.getString("file"))
                              .map(size -> new Object[] {recording, size}))
                  .onSuccess(
                      found -> {
                        JsonObject recording = (JsonObject) found[0];
                        long size = (Long) found[1];
                        serve(ctx, download, recording, size);
                      })
                  .onFailure(
                      e -> {
                        if (RecordingDownload.notFound(e)) {
                          HttpRoutes.problem(
                              ctx, 404, ErrorCode.NOT_FOUND, "The recording file is missing");
                        } else {
                          refuse(ctx, e);
                        }
                      });
            });
    router
        .getWithRegex("/api/events/?")
        .handler(
            ctx ->
                answer(
                    ctx,
                    tokens,
                    reads,
                    (caller, query) -> {
                      String host = query.text("host");
                      if (host == null) {
                        throw ErrorCode.BAD_REQUEST.exception("Query parameter host is required");
                      }
                      if (!host.equals(caller.userId())) {
                        throw ErrorCode.NOT_HOST.exception(
                            "A host's events are for that host only");
                      }
                      return history.events(
                          host,
                          query.text("before"),
                          query.integer("limit", DEFAULT_EVENTS, 1, HistoryService.MAX_PAGE));
                    }));
    router
        .get("/api/events/:id")
        .handler(
            ctx ->
                answer(
                    ctx,
                    tokens,
                    reads,
                    (caller, query) -> history.event(ctx.pathParam("id"), caller.userId())));
    router
        .get("/api/events/:id/chat")
        .handler(
            ctx ->
                answer(
                    ctx,
                    tokens,
                    reads,
                    (caller, query) ->
                        history.chat(
                            ctx.pathParam("id"),
                            caller.userId(),
                            query.integer("after", 0, 0, Integer.MAX_VALUE),
                            query.integer("limit", DEFAULT_CHAT, 1, 1000))));
    router
        .get("/api/events/:id/attendance")
        .handler(
            ctx ->
                answer(
                    ctx,
                    tokens,
                    reads,
                    (caller, query) ->
                        history.attendance(
                            ctx.pathParam("id"),
                            caller.userId(),
                            query.integer("offset", 0, 0, 10_000_000),
                            query.integer(
                                "limit", DEFAULT_ATTENDANCE, 1, HistoryService.MAX_PAGE))));
  }

  private static void serve(
      RoutingContext ctx, RecordingDownload download, JsonObject recording, long size) {
    var response = ctx.response();
    response
        .putHeader("Content-Type", "audio/ogg; codecs=opus")
        .putHeader("Accept-Ranges", "bytes")
        .putHeader("Cache-Control", "no-store")
        .putHeader(
            "Content-Disposition",
            "inline; filename=\""
                + ctx.pathParam("id")
                + "-"
                + recording.getString("recording_id")
                + ".opus\"");
    var span = RecordingDownload.span(ctx.request().getHeader("Range"), size);
    if (span.isEmpty()) {
      response.putHeader("Content-Range", "bytes */" + size);
      HttpRoutes.problem(ctx, 416, ErrorCode.BAD_REQUEST, "The range is outside the recording");
      return;
    }
    RecordingDownload.Span s = span.get();
    if (s.partial()) {
      response
          .setStatusCode(206)
          .putHeader("Content-Range", "bytes " + s.first() + "-" + s.last() + "/" + size);
    }
    response.putHeader("Content-Length", String.valueOf(size == 0 ? 0 : s.length()));
    if (size == 0) {
      response.end();
      return;
    }
    download.send(recording.getString("file"), s, response);
  }

  /** Verifies the caller's token, runs the call, answers with its JSON or a problem body. */
  private static void answer(
      RoutingContext ctx,
      TokenVerifier tokens,
      TokenBuckets reads,
      BiFunction<Identity, QueryParams, Future<JsonObject>> call) {
    tokens
        .verifyAnyUser(bearer(ctx))
        .compose(caller -> withinBudget(reads, caller))
        .compose(
            caller -> {
              try {
                return call.apply(caller, new QueryParams(ctx));
              } catch (RuntimeException e) {
                return Future.failedFuture(e);
              }
            })
        .onSuccess(
            body ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(body.encode()))
        .onFailure(e -> refuse(ctx, e));
  }

  /** The caller, or {@code rate_limited} (429, with when to retry) past their budget. */
  private static Future<Identity> withinBudget(TokenBuckets reads, Identity caller) {
    long waitMs = reads.take(caller.userId());
    if (waitMs == 0) {
      return Future.succeededFuture(caller);
    }
    return Future.failedFuture(new OverBudget(waitMs));
  }

  /** A caller over their budget of the record's routes. */
  static final class OverBudget extends RuntimeException {
    final long waitMs;

    OverBudget(long waitMs) {
      super(null, null, false, false);
      this.waitMs = waitMs;
    }
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).strip();
  }

  private static void refuse(RoutingContext ctx, Throwable e) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (e instanceof OverBudget over) {
      ctx.response()
          .putHeader("Retry-After", String.valueOf(Math.max(1, (over.waitMs + 999) / 1000)));
      HttpRoutes.problem(
          ctx,
          429,
          ErrorCode.RATE_LIMITED,
          "Too many requests for the record; retry in " + over.waitMs + " ms");
      return;
    }
    if (e instanceof AuthFailure auth) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      HttpRoutes.problem(
          ctx,
          auth.code() == ErrorCode.AUTH_UNAVAILABLE ? 503 : 401,
          auth.code(),
          auth.getMessage());
      return;
    }
    ErrorCode code = ErrorCode.of(e);
    switch (code) {
      case BAD_REQUEST -> HttpRoutes.problem(ctx, 400, code, e.getMessage());
      case NOT_HOST -> HttpRoutes.problem(ctx, 403, code, e.getMessage());
      case EVENT_NOT_FOUND, NOT_FOUND -> HttpRoutes.problem(ctx, 404, code, e.getMessage());
      // Not running, not answering in time, or its database is away.
      case SERVICE_UNAVAILABLE ->
          HttpRoutes.problem(ctx, 503, code, "The event record is not reachable right now");
      default -> HttpRoutes.problem(ctx, 500, ErrorCode.INTERNAL, "The request failed");
    }
  }

  /** The query string's parameters, each checked as it is read (a bad one: bad_request). */
  private record QueryParams(RoutingContext ctx) {
    String text(String name) {
      String value = ctx.request().getParam(name);
      return value == null || value.isBlank() ? null : value;
    }

    int integer(String name, int fallback, int min, int max) {
      String value = text(name);
      if (value == null) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw ErrorCode.BAD_REQUEST.exception(
          "Query parameter " + name + " must be a whole number from " + min + " to " + max);
    }
  }
}
