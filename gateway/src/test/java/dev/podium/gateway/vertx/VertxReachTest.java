package dev.podium.gateway.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails loudly when a Vert.x upgrade moves what {@link VertxReach} reaches: a real server, a real
 * client, a handler joined to the connection's pipeline that sees the server's writes, and a
 * pre-encoded text frame arriving as the text it encodes.
 */
@ExtendWith(VertxExtension.class)
class VertxReachTest {
  @Test
  void joinsThePipelineAndWritesPreEncodedText(Vertx vertx, VertxTestContext test)
      throws Exception {
    String text = "{\"type\":\"chat\",\"message\":\"héllo ✓\"}";
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    AtomicInteger writesSeen = new AtomicInteger();
    HttpServer server =
        vertx
            .createHttpServer()
            .connectionHandler(
                connection ->
                    VertxReach.pipeline(connection)
                        .addFirst(
                            "reach-test",
                            new ChannelDuplexHandler() {
                              @Override
                              public void write(
                                  ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                                writesSeen.incrementAndGet();
                                ctx.write(msg, promise);
                              }
                            }))
            .webSocketHandler(
                ws -> {
                  WebSocketFrame frame = VertxReach.textFrame(utf8);
                  assertTrue(frame.isText() && frame.isFinal());
                  ws.writeFrame(frame);
                  // A second frame over the same bytes: the array is shared, the frame is not.
                  ws.writeFrame(VertxReach.textFrame(utf8));
                });
    int port = server.listen(0, "127.0.0.1").await().actualPort();
    WebSocketClient client = vertx.createWebSocketClient();
    AtomicInteger received = new AtomicInteger();
    client
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
        .onComplete(
            test.succeeding(
                ws ->
                    ws.textMessageHandler(
                        message ->
                            test.verify(
                                () -> {
                                  assertEquals(text, message);
                                  if (received.incrementAndGet() == 2) {
                                    assertTrue(
                                        writesSeen.get() >= 3,
                                        "the joined handler saw the handshake and both frames: "
                                            + writesSeen);
                                    test.completeNow();
                                  }
                                }))));
    assertTrue(test.awaitCompletion(10, TimeUnit.SECONDS));
    if (test.failed()) {
      throw new AssertionError(test.causeOfFailure());
    }
  }
}
