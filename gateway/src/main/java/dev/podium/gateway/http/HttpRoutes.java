package dev.podium.gateway.http;

import dev.podium.api.ErrorCode;
import dev.podium.api.history.HistoryService;
import dev.podium.gateway.auth.DevTokens;
import dev.podium.gateway.auth.TokenVerifier;
import dev.podium.gateway.edge.TokenBuckets;
import dev.podium.gateway.web.IndexPage;
import dev.podium.gateway.web.WebClientHeaders;
import dev.podium.gateway.web.WebPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The plain HTTP side of the gateway's client port: {@code /health} for load balancers, the
 * active-streams list as JSON (the body as the loop's {@code ActiveStreamsFeed} keeps it: a request
 * costs no call to the cluster), the record of past events ({@link HistoryRoutes}), in dev mode a
 * token minting endpoint, and the web client (the {@code webroot} resources, {@code index.html} at
 * {@code /}, its settings at {@code /client-config.json}). Errors are {@code
 * application/problem+json} bodies. Every response carries the {@link WebClientHeaders}. The probes
 * and metrics are not here: they are on the ops port ({@code dev.podium.runtime.ops.OpsRoutes}).
 */
public final class HttpRoutes {
  /** Class-path folder of the web client's static files. */
  static final String WEBROOT = "webroot";

  /** How long a browser may use a web client file before it revalidates (Last-Modified). */
  static final int ASSET_MAX_AGE_SECONDS = 300;

  private HttpRoutes() {}

  /**
   * @param activeStreams the body of {@code GET /api/streams}; a failure is answered 503
   */
  public static Router create(
      Vertx vertx,
      Supplier<Future<Buffer>> activeStreams,
      HistoryService history,
      TokenVerifier verifier,
      TokenBuckets recordReads,
      Optional<DevTokens> devTokens,
      WebPolicy web) {
    Router router = Router.router(vertx);
    router.route().handler(new WebClientHeaders(web.frameAncestors()));
    HistoryRoutes.mount(vertx, router, history, verifier, recordReads);
    router
        .getWithRegex("/health/?")
        .handler(
            ctx -> {
              // Up only while this node is a live member of the cluster, not merely started
              // clustered.
              // Nothing else: node ids and counters are for operators, on the ops port.
              boolean clustered = dev.podium.runtime.ClusterReach.active(vertx);
              ctx.response()
                  .setStatusCode(clustered ? 200 : 503)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(new JsonObject().put("status", clustered ? "up" : "down").encode());
            });
    router
        .getWithRegex("/api/streams/?")
        .handler(
            ctx ->
                activeStreams
                    .get()
                    .onSuccess(
                        body ->
                            ctx.response().putHeader("Content-Type", "application/json").end(body))
                    .onFailure(
                        e ->
                            problem(
                                ctx,
                                503,
                                ErrorCode.SERVICE_UNAVAILABLE,
                                "The presence-service is not reachable")));
    devTokens.ifPresent(
        tokens ->
            router
                .getWithRegex("/dev/token/?")
                .handler(
                    ctx -> {
                      String userId = ctx.request().getParam("user_id");
                      if (userId == null || userId.isBlank()) {
                        problem(
                            ctx, 400, ErrorCode.BAD_REQUEST, "Query parameter user_id is required");
                        return;
                      }
                      String username = ctx.request().getParam("username");
                      ctx.response()
                          .putHeader("Content-Type", "application/json")
                          .putHeader("Cache-Control", "no-store")
                          .end(
                              new JsonObject()
                                  .put("token", tokens.issue(userId, username, 24 * 60))
                                  .put("user_id", userId)
                                  .put("expires_in", 24 * 60 * 60)
                                  .encode());
                    }));
    // What the web client needs to know before it trusts a postMessage token (docs/client.md).
    String clientConfig =
        new JsonObject()
            .put("allowed_origins", new JsonArray(web.origins().listed()))
            .put("any_origin", web.origins().anyOrigin())
            .encode();
    router
        .get("/client-config.json")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-cache")
                    .end(clientConfig));
    // The web client. The page itself is always revalidated; the files it loads may be reused for
    // a few minutes, then revalidated (their names carry no content hash, so never "immutable").
    IndexPage index = IndexPage.load(WEBROOT + "/index.html");
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(index);
    router.route("/index.html").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(index);
    router
        .route("/*")
        .handler(
            ctx -> {
              // StaticHandler keeps a Cache-Control that is already there.
              ctx.response().putHeader("Cache-Control", "public, max-age=" + ASSET_MAX_AGE_SECONDS);
              ctx.next();
            });
    // A path that names no file falls through to the JSON 404 below.
    router.route("/*").handler(StaticHandler.create(WEBROOT).setIndexPage("index.html"));
    router
        .route()
        .last()
        .handler(
            ctx ->
                problem(
                    ctx, 404, ErrorCode.NOT_FOUND, "No such resource: " + ctx.request().path()));
    router
        .route()
        .failureHandler(
            ctx ->
                problem(
                    ctx,
                    ctx.statusCode() > 0 ? ctx.statusCode() : 500,
                    ErrorCode.INTERNAL,
                    "The request failed"));
    return router;
  }

  /**
   * The node's per-user budget for the record's routes ({@link HistoryRoutes#READS_PER_SECOND},
   * {@link HistoryRoutes#READ_BURST}), shared by every loop; idle users are forgotten each minute.
   */
  public static TokenBuckets recordReadBuckets(Vertx vertx) {
    TokenBuckets buckets =
        new TokenBuckets(
            HistoryRoutes.READS_PER_SECOND, HistoryRoutes.READ_BURST, System::nanoTime);
    vertx.setPeriodic(60_000, id -> buckets.forgetFull());
    return buckets;
  }

  static void problem(RoutingContext ctx, int status, ErrorCode code, String detail) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(
            new JsonObject()
                .put("type", "about:blank")
                .put("title", code.code())
                .put("status", status)
                .put("code", code.code())
                .put("detail", detail)
                .encode());
  }
}
