package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import dev.podium.api.chat.ChatService;
import dev.podium.chat.ChatServiceMain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two chat-service instances, each in its own JVM, and one sender whose messages the event bus
 * hands to both in turn (as it does for any two gateways' posts): the sender's limit ({@code
 * PODIUM_CHAT_RATE_PER_SECOND}=5) holds in total, not once per instance, and an honest sender under
 * the limit is never refused. Each instance's {@code /metrics} shows it served some.
 */
class ChatRateScaleOutTest {
  private static final int LIMIT = 5;
  private static final Map<String, String> ENV =
      Map.of("PODIUM_CHAT_RATE_PER_SECOND", String.valueOf(LIMIT));
  private static final Pattern COUNT =
      Pattern.compile("podium_chat_messages_total\\{result=\"([a-z_]+)\"[^}]*} ([0-9.]+)");
  private static PodiumHarness podium;
  private static Vertx node;
  private static ChatService chat;
  private static final List<PodiumProcess> CHATS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    podium = new PodiumHarness(ENV);
    node = podium.startGatewayOnly();
    List<CompletableFuture<PodiumProcess>> starting = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String name = "chat-" + i;
      starting.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return PodiumProcess.start(
                      name, ChatServiceMain.class, podium.settings(), ENV, "chat-service started");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<PodiumProcess> f : starting) {
      CHATS.add(f.get(200, TimeUnit.SECONDS));
    }
    chat = ChatService.createProxy(node);
    // Both instances' proxies are known to this node before anything is measured.
    long deadline = System.currentTimeMillis() + 60_000;
    while (!(served(CHATS.get(0)) > 0 && served(CHATS.get(1)) > 0)) {
      assertTrue(
          System.currentTimeMillis() < deadline,
          "both chat-services answer: " + served(CHATS.get(0)) + ", " + served(CHATS.get(1)));
      onNode(() -> chat.post("warm-up", "warm-" + UUID.randomUUID(), "Warm", "hi"))
          .get(10, TimeUnit.SECONDS);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @AfterAll
  static void stop() {
    CHATS.forEach(PodiumProcess::close);
    podium.close();
  }

  /** Runs a proxy call on the node's context (Vert.x clients are used from their own threads). */
  private static <T> CompletableFuture<T> onNode(Supplier<Future<T>> call) {
    CompletableFuture<T> out = new CompletableFuture<>();
    node.getOrCreateContext()
        .runOnContext(
            v ->
                call.get()
                    .onComplete(
                        ar -> {
                          if (ar.succeeded()) {
                            out.complete(ar.result());
                          } else {
                            out.completeExceptionally(ar.cause());
                          }
                        }));
    return out;
  }

  /** Messages this instance has answered (accepted or refused), from its /metrics. */
  private static long served(PodiumProcess p) {
    String body = podium.getPort(p.opsPort(), "/metrics").body();
    long total = 0;
    Matcher m = COUNT.matcher(body);
    while (m.find()) {
      total += (long) Double.parseDouble(m.group(2));
    }
    return total;
  }

  /** Posts and says whether it was accepted; any failure but rate_limited fails the test. */
  private static boolean post(String event, String user, String text) throws Exception {
    try {
      onNode(() -> chat.post(event, user, "Sam", text)).get(10, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      assertEquals(
          ErrorCode.RATE_LIMITED, ErrorCode.of(e.getCause()), String.valueOf(e.getCause()));
      return false;
    }
  }

  @Test
  void aSendersLimitHoldsInTotalAcrossTwoInstances() throws Exception {
    String event = "ev-" + UUID.randomUUID();
    long[] before = {served(CHATS.get(0)), served(CHATS.get(1))};
    long started = System.nanoTime();
    int accepted = 0;
    for (int i = 0; i < 20; i++) {
      accepted += post(event, "flooder", "m" + i) ? 1 : 0;
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    long first = served(CHATS.get(0)) - before[0];
    long second = served(CHATS.get(1)) - before[1];
    assertEquals(20, first + second);
    assertTrue(
        first >= 5 && second >= 5,
        "both instances took the sender's messages: " + first + " and " + second);
    // A window per instance would accept 2 x 5 within a second.
    assertTrue(
        accepted >= LIMIT && accepted <= LIMIT * (1 + elapsedMs / 1000),
        accepted + " of 20 accepted in " + elapsedMs + " ms");
    if (elapsedMs < 1000) {
      assertEquals(LIMIT, accepted, "20 messages within one second");
    }
  }

  @Test
  void anHonestSenderUnderTheLimitIsNeverRefused() throws Exception {
    String event = "ev-" + UUID.randomUUID();
    long[] before = {served(CHATS.get(0)), served(CHATS.get(1))};
    // Three a second against a limit of five, through both instances in turn (the pause paces the
    // sender; it waits for nothing).
    for (int i = 0; i < 12; i++) {
      long sent = System.nanoTime();
      assertTrue(post(event, "honest", "m" + i), "message " + i + " refused");
      LockSupport.parkNanos(
          Math.max(0, TimeUnit.MILLISECONDS.toNanos(334) - (System.nanoTime() - sent)));
    }
    assertTrue(
        served(CHATS.get(0)) - before[0] >= 3 && served(CHATS.get(1)) - before[1] >= 3,
        "both instances took the sender's messages");
  }
}
