package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaults() {
    BenchOptions o = BenchOptions.parse();
    assertEquals("127.0.0.1", o.base().getHost());
    assertEquals(8000, o.base().getPort());
    assertEquals(100, o.listeners());
    assertEquals(20, o.packetMs());
    assertEquals(1, o.framesPerPacket());
    assertEquals(30 * 50, o.packets());
    assertNull(o.secret());
    assertNull(o.serverPid());
    assertFalse(o.json());
    assertTrue(o.hostId().startsWith("bench-host-"));
    assertEquals("127.0.0.1:8000", o.label());
  }

  @Test
  void keyValuePairsFlagsAndEquals() {
    BenchOptions o =
        BenchOptions.parse(
            "--base",
            "ws://127.0.0.1:8100/",
            "--listeners",
            "500",
            "--ramp-ms",
            "2000",
            "--duration-s",
            "10",
            "--packet-ms=60",
            "--secret",
            "s3cret-s3cret-s3cret",
            "--server-pid",
            "1234",
            "--json",
            "--label",
            "floor");
    assertEquals(8100, o.base().getPort());
    assertEquals("", o.basePath());
    assertEquals(500, o.listeners());
    assertEquals(2000, o.rampMs());
    assertEquals(3, o.framesPerPacket());
    assertEquals(10 * 1000 / 60, o.packets());
    assertEquals("s3cret-s3cret-s3cret", o.secret());
    assertEquals(1234L, o.serverPid());
    assertTrue(o.json());
    assertEquals("floor", o.label());
  }

  @Test
  void severalBasesMetricsUrlsAndServerPids() {
    BenchOptions o =
        BenchOptions.parse(
            "--base",
            "ws://127.0.0.1:8000, ws://127.0.0.1:8001/",
            "--gateway-metrics",
            "http://127.0.0.1:9100/metrics,http://127.0.0.1:9101/metrics",
            "--server-pid",
            "12,34",
            "--reconnect-attempts",
            "3");
    assertEquals(2, o.bases().size());
    assertEquals(8000, o.base().getPort());
    assertEquals(8001, o.bases().get(1).getPort());
    assertEquals("", o.basePath(1));
    assertEquals("127.0.0.1:8000,127.0.0.1:8001", o.label());
    assertEquals(9101, o.gatewayMetrics().get(1).getPort());
    assertEquals(java.util.List.of(12L, 34L), o.serverPids());
    assertEquals(12L, o.serverPid());
    assertEquals(3, o.reconnectAttempts());
    assertEquals(10, BenchOptions.parse().reconnectAttempts());
    assertTrue(BenchOptions.parse().gatewayMetrics().isEmpty());
  }

  @Test
  void roomsJoinRateAndNamedPids() {
    BenchOptions o =
        BenchOptions.parse(
            "--rooms",
            "10",
            "--listeners",
            "500",
            "--join-rate",
            "500",
            "--host-id",
            "h",
            "--pid",
            "room-service=12",
            "--pid",
            "gateway=34,35",
            "--pid",
            "room-service=13",
            "--server-pid",
            "12",
            "--server-pid",
            "99",
            "--heap-after-gc",
            "--cold");
    assertEquals(10, o.rooms());
    assertEquals(1000, o.rampMs(), "500 listeners at 500/s: a 1 s ramp");
    assertEquals(500.0, o.joinRate());
    assertEquals(
        java.util.List.of(12L, 13L), o.namedPids().get("room-service"), "the same name twice sums");
    assertEquals(java.util.List.of(34L, 35L), o.namedPids().get("gateway"));
    assertEquals(java.util.List.of(12L, 99L), o.serverPids(), "--server-pid may be repeated");
    assertEquals(
        java.util.List.of(12L, 99L, 13L, 34L, 35L), o.allServerPids(), "each pid read once");
    assertEquals("h-r0", o.hostId(0));
    assertEquals("h-r9", o.hostId(9));
    assertEquals(
        "h", BenchOptions.parse("--host-id", "h").hostId(0), "one room: the host id as given");
    assertTrue(o.heapAfterGc());
    assertTrue(o.cold());
    assertFalse(BenchOptions.parse().cold());
    assertEquals(1, BenchOptions.parse().rooms());
    assertEquals(
        0,
        BenchOptions.parse("--listeners", "0", "--rooms", "5").listeners(),
        "idle streaming rooms");
  }

  @Test
  void controlPlaneOptions() {
    BenchOptions o =
        BenchOptions.parse(
            "--control",
            "--events",
            "50",
            "--join-rate",
            "200",
            "--stay-ms",
            "500-2000",
            "--stage-pct",
            "20",
            "--chat-pct",
            "50");
    assertTrue(o.control());
    assertEquals(50, o.chatPct());
    assertEquals(50, o.events());
    assertEquals(500, o.stayMinMs());
    assertEquals(2000, o.stayMaxMs());
    assertEquals(20, o.stagePct());
    assertEquals(
        1000, BenchOptions.parse("--stay-ms", "1000").stayMaxMs(), "one number: a fixed stay");
    BenchOptions d = BenchOptions.parse();
    assertEquals(10, d.events());
    assertEquals(1000, d.stayMinMs());
    assertEquals(5000, d.stayMaxMs());
    assertEquals(10, d.stagePct());
    assertEquals(0, d.chatPct(), "no chat unless asked");
  }

  @Test
  void ownershipDrillOptions() {
    BenchOptions o =
        BenchOptions.parse(
            "--ownership-drill",
            "--cluster-dir",
            "/tmp/c",
            "--secret",
            "s3cret-s3cret-s3cret",
            "--base",
            "ws://127.0.0.1:8401,ws://127.0.0.1:8402",
            "--host-id",
            "d");
    assertTrue(o.ownershipDrill());
    assertEquals("/tmp/c", o.clusterDir());
    assertEquals(300, o.events(), "issue 12's 300 events unless told");
    assertEquals(15_000, o.freezeMs());
    assertEquals(12_000, o.hostGraceMs());
    assertEquals(1, o.killInstance(), "the first instances (and usually the master) unless told");
    assertEquals("d-r0", o.hostId(0), "one host per event");
    BenchOptions small =
        BenchOptions.parse(
            "--ownership-drill",
            "--cluster-dir",
            "/tmp/c",
            "--secret",
            "s",
            "--events",
            "30",
            "--freeze-ms",
            "9000",
            "--host-grace-ms",
            "6000",
            "--kill-instance",
            "2");
    assertEquals(2, small.killInstance());
    assertEquals(30, small.events());
    assertEquals(9000, small.freezeMs());
    assertEquals(6000, small.hostGraceMs());
    assertFalse(BenchOptions.parse().ownershipDrill());
  }

  @Test
  void mistakesAreRefusedWithTheOptionNamed() {
    assertMessage("--ownership-drill needs --cluster-dir", "--ownership-drill", "--secret", "s");
    assertMessage(
        "--ownership-drill needs --secret", "--ownership-drill", "--cluster-dir", "/tmp/c");
    assertMessage(
        "--ownership-drill and --control: give one of the two",
        "--ownership-drill",
        "--control",
        "--join-rate",
        "5",
        "--cluster-dir",
        "/tmp/c",
        "--secret",
        "s");
    assertMessage(
        "--freeze-ms must be longer than --host-grace-ms",
        "--ownership-drill",
        "--cluster-dir",
        "/tmp/c",
        "--secret",
        "s",
        "--freeze-ms",
        "12000");
    assertMessage(
        "--kill-instance counts from 1",
        "--ownership-drill",
        "--cluster-dir",
        "/tmp/c",
        "--secret",
        "s",
        "--kill-instance",
        "0");
    assertMessage(
        "--ramp-ms and --join-rate: give one of the two", "--ramp-ms", "100", "--join-rate", "5");
    assertMessage("--join-rate must be a positive number", "--join-rate", "0");
    assertMessage("--join-rate must be a positive number", "--join-rate", "fast");
    assertMessage("--rooms must be 1 to 10000", "--rooms", "0");
    assertMessage("--control needs --join-rate", "--control");
    assertMessage("--pid needs NAME=PID", "--pid", "1234");
    assertMessage("--pid needs NAME=PID", "--pid", "=1234");
    assertMessage("--pid must be a whole number", "--pid", "gw=x");
    assertMessage("--stay-ms must be MIN-MAX with 0 <= MIN <= MAX", "--stay-ms", "5000-1000");
    assertMessage("--stage-pct must be 0 to 100", "--stage-pct", "101");
    assertMessage("--chat-pct must be 0 to 100", "--chat-pct", "-1");
    assertMessage("--listeners must not be negative", "--listeners", "-1");
    assertMessage("--rooms given twice", "--rooms", "1", "--rooms", "2");
    assertMessage("unknown option --listener", "--listener", "5");
    assertMessage("--listeners needs a value", "--listeners");
    assertMessage("--listeners must be a whole number", "--listeners", "many");
    assertMessage("--packet-ms must be a positive multiple of 20", "--packet-ms", "30");
    assertMessage("--base must look like ws://host:port", "--base", "http://127.0.0.1:8000");
    assertMessage("expected --option", "500");
    assertMessage("--listeners given twice", "--listeners", "1", "--listeners", "2");
    assertMessage("--json takes no value", "--json=yes");
    assertMessage(
        "--base must look like ws://host:port",
        "--base",
        "ws://127.0.0.1:8000,http://127.0.0.1:8001");
    assertMessage(
        "--gateway-metrics needs one URL per --base (2), got 1",
        "--base",
        "ws://127.0.0.1:8000,ws://127.0.0.1:8001",
        "--gateway-metrics",
        "http://127.0.0.1:9100/metrics");
    assertMessage(
        "--gateway-metrics must look like http://host:port/metrics",
        "--gateway-metrics",
        "ws://127.0.0.1:8000");
    assertMessage("--reconnect-attempts must not be negative", "--reconnect-attempts", "-1");
    assertMessage("--server-pid must be a whole number", "--server-pid", "12,x");
  }

  private static void assertMessage(String start, String... args) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(args));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}
