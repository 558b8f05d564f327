package dev.podium.gateway;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.http.HttpConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets the writes a socket gets within one turn of its event loop share one flush, so one system
 * call. Vert.x flushes every message written outside a read of that same socket at once, and a room
 * broadcast is such a write for every socket in the room. In a join storm the gateway's event loop
 * has many room messages queued (each join is announced to the room): without this each of them
 * cost one {@code write} system call per socket, and the loop spent its time in the kernel (thread
 * dumps during a 1,000-listener ramp found it there). With it a socket's flush waits for one task
 * that flushes every socket of the event loop that needs it, queued behind the work already
 * waiting: the more the loop is behind, the more messages each system call carries, and when it is
 * idle nothing waits longer than the rest of the current task. One task per event loop and turn,
 * not one per socket, so a media tick's fan-out costs no more than before.
 */
final class FlushBatching extends ChannelDuplexHandler {
  /** The sockets of one event loop with a flush pending, and whether their flush task is queued. */
  private static final class Pending implements Runnable {
    private List<FlushBatching> sockets = new ArrayList<>();
    private List<FlushBatching> spare = new ArrayList<>();
    private boolean queued;

    void add(FlushBatching socket) {
      sockets.add(socket);
      if (!queued) {
        queued = true;
        socket.ctx.executor().execute(this);
      }
    }

    @Override
    public void run() {
      queued = false;
      List<FlushBatching> due = sockets;
      sockets = spare;
      for (FlushBatching socket : due) {
        socket.flushNow();
      }
      due.clear();
      spare = due;
    }
  }

  /** One per event-loop thread: only that thread touches it. */
  private static final ThreadLocal<Pending> PENDING = ThreadLocal.withInitial(Pending::new);

  private ChannelHandlerContext ctx;
  private boolean flushPending;

  FlushBatching() {}

  /** The HTTP server's connection handler. */
  static void install(HttpConnection connection) {
    // Vert.x's connections are Netty channels underneath; there is no public handle for this.
    dev.podium.gateway.vertx.VertxReach.pipeline(connection)
        .addFirst("podium-flush-batching", new FlushBatching());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (flushPending) {
      return;
    }
    if (ctx.executor() instanceof SingleThreadEventExecutor loop && loop.pendingTasks() == 0) {
      // Nothing else waiting: flush now, as Vert.x would (deferring costs more than it saves).
      ctx.flush();
      return;
    }
    flushPending = true;
    PENDING.get().add(this);
  }

  private void flushNow() {
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
  }

  // Nothing written may be left behind unflushed: before a close, and as soon as the socket's
  // buffer is full (so that a full write queue means the peer is behind, not that we are).

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    flushNow();
    ctx.close(promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    flushNow();
    ctx.disconnect(promise);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      flushNow();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    flushNow();
  }
}
