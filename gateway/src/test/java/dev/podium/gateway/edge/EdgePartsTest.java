package dev.podium.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The small plain parts of the edge, each driven without Vert.x and with a virtual clock. */
class EdgePartsTest {
  private static final long MS = 1_000_000L;

  @Test
  void tokenBucketAllowsABurstThenTheRate() {
    AtomicLong now = new AtomicLong(5_000 * MS);
    TokenBuckets buckets = new TokenBuckets(2, 3, now::get);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, buckets.take("a"));
    }
    long wait = buckets.take("a");
    assertTrue(wait > 0 && wait <= 500, "wait " + wait);
    assertEquals(0, buckets.take("b"), "another key has its own bucket");
    now.addAndGet(500 * MS);
    assertEquals(0, buckets.take("a"));
    assertTrue(buckets.take("a") > 0);
    // Abuse: a thousand tries in the same instant get nothing more.
    for (int i = 0; i < 1000; i++) {
      assertTrue(buckets.take("a") > 0);
    }
    now.addAndGet(10_000 * MS);
    buckets.forgetFull();
    assertEquals(0, buckets.size(), "refilled buckets are forgotten");
  }

  @Test
  void keyCountsHoldTheCap() {
    KeyCounts counts = new KeyCounts();
    assertTrue(counts.tryAdd("x", 2));
    assertTrue(counts.tryAdd("x", 2));
    for (int i = 0; i < 100; i++) {
      assertFalse(counts.tryAdd("x", 2));
    }
    assertEquals(2, counts.count("x"));
    counts.remove("x");
    assertTrue(counts.tryAdd("x", 2));
    counts.remove("x");
    counts.remove("x");
    counts.remove("x");
    assertEquals(0, counts.keys());
  }

  @Test
  void silenceWatchTakesOutOnlyTheSilent() {
    SilenceWatch<String> watch = new SilenceWatch<>(30 * MS);
    watch.heard("quiet", 0);
    watch.heard("chatty", 0);
    watch.heard("chatty", 25 * MS);
    assertEquals(List.of(), watch.expired(30 * MS));
    assertEquals(List.of("quiet"), watch.expired(31 * MS));
    assertEquals(List.of("chatty"), watch.expired(56 * MS));
    assertEquals(0, watch.size());
  }

  @Test
  void trustedProxiesNameTheClient() {
    ClientAddress direct = new ClientAddress(List.of());
    assertEquals(
        "203.0.113.9",
        direct.resolve("203.0.113.9", List.of("198.51.100.1")),
        "an untrusted peer's X-Forwarded-For is ignored");
    ClientAddress behindProxies =
        new ClientAddress(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));
    assertEquals(
        "198.51.100.7",
        behindProxies.resolve("10.1.2.3", List.of("1.2.3.4, 198.51.100.7, 10.9.9.9")),
        "the right-most untrusted hop; the client cannot forge what our proxies appended");
    assertEquals(
        "198.51.100.7",
        behindProxies.resolve("0:0:0:0:0:0:0:1", List.of("1.2.3.4", "198.51.100.7")));
    assertEquals("10.1.2.3", behindProxies.resolve("10.1.2.3", List.of()));
    assertEquals(
        "10.9.9.9",
        behindProxies.resolve("10.1.2.3", List.of("not-an-address, 10.9.9.9")),
        "garbage stops the walk at the last hop we trust");
    assertEquals("0:0:0:0:0:0:0:1", behindProxies.resolve("::1", null));
  }

  @Test
  void cidrBlocks() {
    assertTrue(Cidr.parse("192.168.0.0/16").contains("192.168.255.1"));
    assertFalse(Cidr.parse("192.168.0.0/16").contains("192.169.0.1"));
    assertTrue(Cidr.parse("10.0.0.0/9").contains("10.127.0.1"));
    assertFalse(Cidr.parse("10.0.0.0/9").contains("10.128.0.1"));
    assertTrue(Cidr.parse("fd00::/8").contains("fd12::1"));
    assertFalse(Cidr.parse("fd00::/8").contains("10.0.0.1"));
    assertFalse(Cidr.parse("0.0.0.0/0").contains("localhost"), "names are never looked up");
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
  }

  @Test
  void settingsHaveSafeDefaultsAndNamedErrors() {
    EdgeLimits limits = EdgeLimits.from(Settings.of(Map.of()));
    assertEquals(10_000, limits.handshakeTimeout().toMillis());
    assertEquals(30_000, limits.idleTimeout().toMillis());
    assertEquals(10_000, limits.pingInterval().toMillis());
    assertEquals(100, limits.maxConnectionsPerIp());
    assertEquals(10, limits.maxSocketsPerUser());
    assertEquals(256 * 1024, limits.writeQueueBytes());
    assertTrue(limits.trustedProxies().isEmpty());
    for (Map<String, String> bad :
        List.of(
            Map.of("PODIUM_WS_IDLE_TIMEOUT_MS", "15000"),
            Map.of("PODIUM_MAX_CONNECTIONS_PER_IP", "0"),
            Map.of("PODIUM_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
            Map.of("PODIUM_HANDSHAKE_TIMEOUT_MS", "0"),
            Map.of("PODIUM_HTTP_IDLE_TIMEOUT_MS", "5000"))) {
      String name = bad.keySet().iterator().next();
      Settings.InvalidSettingException e =
          assertThrows(
              Settings.InvalidSettingException.class, () -> EdgeLimits.from(Settings.of(bad)));
      assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }
    assertEquals(
        2,
        EdgeLimits.from(Settings.of(Map.of("PODIUM_TRUSTED_PROXIES", "10.0.0.0/8, ::1")))
            .trustedProxies()
            .size());
  }

  @Test
  void logBudgetCountsWhatItLeavesOut() {
    AtomicLong now = new AtomicLong();
    LogBudget budget = new LogBudget(2, now::get);
    assertEquals(0, budget.take());
    assertEquals(0, budget.take());
    assertEquals(-1, budget.take());
    assertEquals(-1, budget.take());
    now.addAndGet(1_000 * MS);
    assertEquals(2, budget.take());
  }
}
