package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hazelcast.core.Hazelcast;
import dev.podium.runtime.ClusterBootstrap;
import dev.podium.runtime.ClusterSettings;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus across nodes with mutual TLS: two nodes whose certificates come from one CA talk; a
 * third node with a certificate from another CA (which trusts ours too) joins Hazelcast
 * (open-source Hazelcast cannot keep it out) but can neither deliver event-bus messages to the
 * others nor receive theirs.
 */
class EventBusMutualTlsTest {
  private static final String CLUSTER = "podium-tls-test-" + UUID.randomUUID();
  private static final String MEMBERS = "127.0.0.1:5851,127.0.0.1:5852,127.0.0.1:5853";
  // Generous: the first TLS connection on a loaded test machine can take seconds.
  private static final DeliveryOptions PATIENT = new DeliveryOptions().setSendTimeout(10_000);

  @TempDir static Path ours;
  @TempDir static Path theirs;

  static Vertx a;
  static Vertx b;
  static Vertx foreign;
  static final AtomicInteger heardByA = new AtomicInteger();
  static final AtomicInteger heardByForeign = new AtomicInteger();

  @BeforeAll
  static void startThreeNodes() throws Exception {
    Map<String, String> tlsA = DevCa.node(ours, "node-a", "localhost", "127.0.0.1");
    Map<String, String> tlsB = DevCa.node(ours, "node-b", "localhost", "127.0.0.1");
    Map<String, String> tlsForeign =
        new HashMap<>(DevCa.node(theirs, "intruder", "localhost", "127.0.0.1"));
    // The intruder trusts our CA as well as its own (a CA certificate is no secret), so that only
    // our nodes' checks stand between it and their messages.
    Path bundle = theirs.resolve("both.crt");
    Files.writeString(
        bundle,
        Files.readString(theirs.resolve("ca.crt")) + Files.readString(ours.resolve("ca.crt")));
    tlsForeign.put("PODIUM_CLUSTER_TLS_CA", bundle.toString());
    a = start(5851, tlsA);
    b = start(5852, tlsB);
    foreign = start(5853, tlsForeign);
    PodiumHarness.await(
        a.eventBus()
            .<String>consumer(
                "tls.test.a",
                m -> {
                  heardByA.incrementAndGet();
                  m.reply("a got " + m.body());
                })
            .completion());
    PodiumHarness.await(
        foreign
            .eventBus()
            .<String>consumer(
                "tls.test.foreign",
                m -> {
                  heardByForeign.incrementAndGet();
                  m.reply("foreign got " + m.body());
                })
            .completion());
  }

  private static Vertx start(int port, Map<String, String> tls) {
    Map<String, String> env = new HashMap<>(tls);
    env.put("PODIUM_CLUSTER_NAME", CLUSTER);
    env.put("PODIUM_CLUSTER_MEMBERS", MEMBERS);
    env.put("PODIUM_CLUSTER_PORT", String.valueOf(port));
    return PodiumHarness.await(ClusterBootstrap.start(ClusterSettings.from(Settings.of(env))));
  }

  @AfterAll
  static void stop() {
    for (Vertx v : new Vertx[] {foreign, b, a}) {
      if (v != null) {
        PodiumHarness.await(v.close());
      }
    }
  }

  @Test
  void nodesWithCertificatesFromOurCaExchangeMessages() {
    assertEquals("a got hello", answered(requestUntilRouted(b, "tls.test.a", "hello")));
    int before = heardByA.get();
    assertEquals("a got again", answered(requestUntilRouted(b, "tls.test.a", "again")));
    assertEquals(before + 1, heardByA.get());
  }

  @Test
  void aMemberWithAnotherCaGetsNothingDeliveredEitherWay() {
    // Hazelcast itself admits the intruder: the three are one cluster.
    Hazelcast.getAllHazelcastInstances().stream()
        .filter(h -> h.getConfig().getClusterName().equals(CLUSTER))
        .forEach(h -> assertEquals(3, h.getCluster().getMembers().size()));

    int heard = heardByA.get();
    Future<String> toA = requestUntilRouted(foreign, "tls.test.a", "forged");
    assertTrue(toA.failed(), "the intruder's message reached node a");
    assertEquals(heard, heardByA.get(), "node a's consumer heard the intruder");

    Future<String> toForeign = requestUntilRouted(a, "tls.test.foreign", "secret");
    assertTrue(toForeign.failed(), "node a's message reached the intruder");
    assertEquals(0, heardByForeign.get(), "the intruder's consumer heard node a");
  }

  private static String answered(Future<String> answer) {
    if (answer.failed()) {
      throw new AssertionError("no answer", answer.cause());
    }
    return answer.result();
  }

  /**
   * Sends until the cluster knows the address (a registration made on another node reaches this
   * one's view shortly after), then returns the first answer that is not "no handlers": the reply,
   * or the failure of a message that was routed and not delivered.
   */
  private static Future<String> requestUntilRouted(Vertx from, String address, String body) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (System.nanoTime() < deadline) {
      CompletableFuture<Future<String>> done = new CompletableFuture<>();
      from.runOnContext(
          v ->
              from.eventBus()
                  .<String>request(address, body, PATIENT)
                  .map(m -> m.body())
                  .onComplete(
                      ar ->
                          done.complete(
                              ar.succeeded()
                                  ? Future.succeededFuture(ar.result())
                                  : Future.failedFuture(ar.cause()))));
      Future<String> answer = done.orTimeout(20, TimeUnit.SECONDS).join();
      if (answer.failed()
          && answer.cause() instanceof ReplyException r
          && r.failureType() == ReplyFailure.NO_HANDLERS) {
        PodiumHarness.await(Future.future(p -> from.setTimer(100, id -> p.complete())));
        continue;
      }
      return answer;
    }
    fail("no node ever saw a handler for " + address);
    return null;
  }
}
