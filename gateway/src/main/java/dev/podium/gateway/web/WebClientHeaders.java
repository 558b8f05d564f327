package dev.podium.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * The security headers of every response on the client port: a Content-Security-Policy the web
 * client works with (its own scripts, modules and AudioWorklets, its own styles, screen sharing
 * through a MediaSource {@code blob:} URL, WebSockets to gateways on the page's host name), no
 * framing unless {@link FrameAncestors} allows it, {@code nosniff} (so that a JSON or problem body
 * is never run as script) and no referrer (join links carry event ids, and tokens may be in the
 * page URL).
 */
public final class WebClientHeaders implements Handler<RoutingContext> {
  // A host name or an IPv6 literal: anything else (a forged Host) is left out of the policy.
  private static final Pattern HOST_NAME =
      Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

  private final FrameAncestors frames;

  public WebClientHeaders(FrameAncestors frames) {
    this.frames = frames;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Content-Security-Policy", contentSecurityPolicy(ctx.request().authority()));
    if (frames.frameOptions() != null) {
      headers.set("X-Frame-Options", frames.frameOptions());
    }
    ctx.next();
  }

  /** The policy for a page requested with this {@code Host} (null when unknown). */
  String contentSecurityPolicy(HostAndPort authority) {
    // `?gateways=` may name gateways on other ports of the page's host name (see js/connection.js);
    // 'self' covers the page's own ws:/wss: origin only.
    String sockets = "";
    if (authority != null && HOST_NAME.matcher(authority.host()).matches()) {
      sockets = " ws://" + authority.host() + ":* wss://" + authority.host() + ":*";
    }
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
        + "connect-src 'self'"
        + sockets
        + "; base-uri 'none'; form-action 'self'; frame-ancestors "
        + frames.directive();
  }
}
