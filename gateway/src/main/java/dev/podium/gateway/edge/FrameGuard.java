package dev.podium.gateway.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the edge reaches into Netty. Vert.x 5 gives a protocol violation no close code: its
 * frame decoder is built with {@code closeOnProtocolViolation(false)} and any decoder error closes
 * the TCP connection at once; nor does it check UTF-8 or a message's size per type before
 * assembling it. So this handler sits first in every HTTP connection's pipeline and, once the
 * connection has become a WebSocket, runs a {@link FrameInspector} over the client's bytes before
 * Netty's decoder sees them. On the first violation the client gets, written here directly, an
 * {@code error} {@code frame_too_large} (for 1009 only) and a close frame with the code (1002,
 * 1007, 1009); nothing more of its bytes reaches Vert.x; the connection closes when the client
 * closes it or after {@link #LINGER_MS}, reading meanwhile so the close is a FIN rather than a
 * reset that could destroy the close frame in flight. It joins the pipeline through {@link
 * dev.podium.gateway.vertx.VertxReach}, whose test fails if Vert.x stops being a Netty pipeline
 * this can join (and {@code EdgeAbuseTest} with it).
 */
public final class FrameGuard extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FrameGuard.class);
  static final long LINGER_MS = 1_000;
  static final String NAME = "podium-frame-guard";

  private final FrameInspector inspector;
  private final Supplier<String> client;
  private final LogBudget logs;
  private final Runnable onClosed;
  private final java.util.function.Function<String, String> tooLargeError;
  private boolean framing;
  private boolean refused;

  /**
   * {@code tooLargeError}: the {@code error} message (JSON) sent before a 1009, given the
   * violation's reason.
   */
  FrameGuard(
      FrameInspector inspector,
      Supplier<String> client,
      LogBudget logs,
      java.util.function.Function<String, String> tooLargeError,
      Runnable onClosed) {
    this.tooLargeError = tooLargeError;
    this.inspector = inspector;
    this.client = client;
    this.logs = logs;
    this.onClosed = onClosed;
  }

  /**
   * Puts the guard first in the connection's pipeline; throws if the connection is not a Netty
   * channel.
   */
  static void install(HttpConnection connection, FrameGuard guard) {
    dev.podium.gateway.vertx.VertxReach.pipeline(connection).addFirst(NAME, guard);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!framing && msg instanceof ByteBuf) {
      // The handshake put Netty's frame decoder in the pipeline: from here on the client sends
      // frames.
      framing = ctx.pipeline().get(WebSocketFrameDecoder.class) != null;
    }
    if (!framing || !(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    FrameInspector.Violation violation = inspector.feed(buf.nioBuffer());
    if (violation == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (violation.frameOffset() > 0) {
      // The whole frames before the offending one still count.
      ctx.fireChannelRead(buf.retainedSlice(buf.readerIndex(), violation.frameOffset()));
    }
    buf.release();
    refuse(ctx, violation);
  }

  private void refuse(ChannelHandlerContext ctx, FrameInspector.Violation violation) {
    refused = true;
    long left = logs.take();
    if (left >= 0) {
      LOG.atWarn()
          .addKeyValue("client", client.get())
          .addKeyValue("close_code", violation.closeCode())
          .log(
              "WebSocket closed for a protocol violation: {}{}",
              violation.reason(),
              left > 0 ? " (" + left + " similar lines left out)" : "");
    }
    if (violation.closeCode() == FrameInspector.MESSAGE_TOO_BIG) {
      ctx.write(
          frame(0x1, tooLargeError.apply(violation.reason()).getBytes(StandardCharsets.UTF_8)));
    }
    byte[] reason = violation.reason().getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[2 + Math.min(reason.length, 123)];
    body[0] = (byte) (violation.closeCode() >> 8);
    body[1] = (byte) violation.closeCode();
    System.arraycopy(reason, 0, body, 2, body.length - 2);
    ctx.writeAndFlush(frame(0x8, body));
    // Keep reading (and dropping) until the client closes, so that our close is not a reset.
    ctx.channel().config().setAutoRead(true);
    ctx.executor()
        .schedule(
            () -> {
              ctx.close();
            },
            LINGER_MS,
            TimeUnit.MILLISECONDS);
  }

  /** An unmasked server frame, FIN set. */
  private static ByteBuf frame(int opcode, byte[] payload) {
    ByteBuf out = Unpooled.buffer(payload.length + 4);
    out.writeByte(0x80 | opcode);
    if (payload.length < 126) {
      out.writeByte(payload.length);
    } else {
      out.writeByte(126);
      out.writeShort(payload.length);
    }
    return out.writeBytes(payload);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (refused) {
      // Nothing may follow our close frame.
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    onClosed.run();
    super.channelInactive(ctx);
  }
}
