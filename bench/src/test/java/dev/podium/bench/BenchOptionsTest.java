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
    BenchOptions o = BenchOptions.parse("--base", "ws://127.0.0.1:8100/", "--listeners", "500", "--ramp-ms", "2000",
        "--duration-s", "10", "--packet-ms=60", "--secret", "s3cret-s3cret-s3cret", "--server-pid", "1234",
        "--json", "--label", "floor");
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
  void mistakesAreRefusedWithTheOptionNamed() {
    assertMessage("unknown option --listener", "--listener", "5");
    assertMessage("--listeners needs a value", "--listeners");
    assertMessage("--listeners must be a whole number", "--listeners", "many");
    assertMessage("--packet-ms must be a positive multiple of 20", "--packet-ms", "30");
    assertMessage("--base must look like ws://host:port", "--base", "http://127.0.0.1:8000");
    assertMessage("expected --option", "500");
    assertMessage("--listeners given twice", "--listeners", "1", "--listeners", "2");
    assertMessage("--json takes no value", "--json=yes");
  }

  private static void assertMessage(String start, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(args));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}
