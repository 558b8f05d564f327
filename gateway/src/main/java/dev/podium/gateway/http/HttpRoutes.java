package dev.podium.gateway.http;

import dev.podium.api.ReadinessProbes;
import java.util.List;
import dev.podium.api.ErrorCode;
import dev.podium.runtime.ops.OpsRoutes;
import io.vertx.ext.healthchecks.HealthChecks;
import dev.podium.api.presence.PresenceService;
import dev.podium.gateway.auth.DevTokens;
import dev.podium.gateway.ws.MediaStats;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Optional;

/**
 * The plain HTTP side of the gateway: health, the active-streams list as JSON, in dev mode a
 * token minting endpoint, and the web client (the {@code webroot} resources, {@code index.html}
 * at {@code /}). Errors are {@code application/problem+json} bodies.
 */
public final class HttpRoutes {
  /** Class-path folder of the web client's static files. */
  static final String WEBROOT = "webroot";

  private HttpRoutes() {
  }

  public static Router create(Vertx vertx, String nodeId, PresenceService presence, Optional<DevTokens> devTokens,
      MediaStats media) {
    Router router = Router.router(vertx);
    // Liveness, readiness (cluster joined, room, chat and presence answering) and Prometheus metrics.
    HealthChecks readiness = OpsRoutes.readinessChecks(vertx);
    for (ReadinessProbes.Probe p : List.of(ReadinessProbes.ROOM, ReadinessProbes.CHAT, ReadinessProbes.PRESENCE)) {
      OpsRoutes.requireService(readiness, vertx, p.name(), p.address(), p.action(), p.body());
    }
    OpsRoutes.mount(router, vertx, readiness);
    router.getWithRegex("/health/?").handler(ctx -> {
      // Up only while this node is a live member of the cluster, not merely started clustered.
      boolean clustered = vertx.isClustered() && ((VertxInternal) vertx).clusterManager().isActive();
      ctx.response().setStatusCode(clustered ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", clustered ? "up" : "down").put("node_id", nodeId)
              .put("clustered", clustered)
              .put("media", new JsonObject()
                  .put("frames_delivered", media.deliveredFrames())
                  .put("frames_dropped", media.droppedFrames())
                  .put("packets_received", media.packetsReceived()))
              .encode());
    });
    router.getWithRegex("/api/streams/?").handler(ctx -> presence.activeStreams()
        .onSuccess(list -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("streams", list.getJsonArray("streams")).encode()))
        .onFailure(e -> problem(ctx, 503, ErrorCode.SERVICE_UNAVAILABLE, "The presence-service is not reachable")));
    devTokens.ifPresent(tokens -> router.getWithRegex("/dev/token/?").handler(ctx -> {
      String userId = ctx.request().getParam("user_id");
      if (userId == null || userId.isBlank()) {
        problem(ctx, 400, ErrorCode.BAD_REQUEST, "Query parameter user_id is required");
        return;
      }
      String username = ctx.request().getParam("username");
      ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("token", tokens.issue(userId, username, 24 * 60))
          .put("user_id", userId)
          .put("expires_in", 24 * 60 * 60)
          .encode());
    }));
    // The web client. A path that names no file falls through to the JSON 404 below.
    router.route("/*").handler(StaticHandler.create(WEBROOT).setIndexPage("index.html"));
    router.route().last().handler(ctx -> problem(ctx, 404, ErrorCode.NOT_FOUND, "No such resource: " + ctx.request().path()));
    router.route().failureHandler(ctx -> problem(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500,
        ErrorCode.INTERNAL, "The request failed"));
    return router;
  }

  static void problem(RoutingContext ctx, int status, ErrorCode code, String detail) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject()
            .put("type", "about:blank")
            .put("title", code.code())
            .put("status", status)
            .put("code", code.code())
            .put("detail", detail)
            .encode());
  }
}
