package dev.podium.gateway.vertx;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The gateway's only reach into Vert.x internals, for what Vert.x 5 has no public API for (the
 * cluster manager is reached through runtime's {@code ClusterReach}). Each method throws when
 * Vert.x no longer looks the way it assumes, and {@code VertxReachTest} runs each against a real
 * server, so an upgrade that moves them fails the build, not production.
 *
 * <ul>
 *   <li>{@link #pipeline}: the Netty pipeline under an HTTP connection, for the edge's {@code
 *       FrameGuard} (close codes and per-type limits before Netty assembles a message) and {@code
 *       FlushBatching} (one flush per socket per turn of a busy loop);
 *   <li>{@link #textFrame}: a text frame from bytes already UTF-8 encoded, so a room message is
 *       encoded once per node, not once per socket (the public factory takes a {@code String}).
 * </ul>
 */
public final class VertxReach {
  private VertxReach() {}

  /**
   * The connection's Netty pipeline; throws if Vert.x connections stop being Netty channels we can
   * reach.
   */
  public static ChannelPipeline pipeline(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      throw new IllegalStateException(
          "Vert.x connection "
              + connection.getClass()
              + " is not a ConnectionBase: "
              + "the gateway cannot join its Netty pipeline (see VertxReach)");
    }
    return base.channel().pipeline();
  }

  /**
   * A final text frame carrying {@code utf8} as is; each socket needs its own frame (Vert.x
   * releases it after the write).
   */
  public static WebSocketFrame textFrame(byte[] utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }
}
