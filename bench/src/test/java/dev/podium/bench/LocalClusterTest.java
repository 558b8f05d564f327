package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterTest {

  @Test
  void readsTheInstancesFileAndPidFilesThatLocalClusterWrites(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("instances"),
        """
        room-service-1 room-service 6401 9401 -
        presence-service-1 presence-service 6402 9402 -
        gateway-1 gateway 6403 9403 8401
        """);
    Files.writeString(dir.resolve("room-service-1.pid"), "101\n");
    Files.writeString(dir.resolve("presence-service-1.pid"), "102\n");
    Files.writeString(dir.resolve("gateway-1.pid"), "103\n");
    LocalCluster c = LocalCluster.read(dir);
    assertEquals(3, c.all().size());
    LocalCluster.Instance room = c.of("room-service").get(0);
    assertEquals("room-service-1", room.name());
    assertEquals(9401, room.opsPort());
    assertEquals(101, room.pid());
    assertEquals(-1, room.httpPort());
    assertEquals(8401, c.of("gateway").get(0).httpPort());
    assertEquals(List.of(), c.of("chat-service"));
  }

  @Test
  void aClusterThatIsNotRunningIsNamedAsSuch(@TempDir Path dir) throws Exception {
    IllegalStateException none =
        assertThrows(IllegalStateException.class, () -> LocalCluster.read(dir));
    assertTrue(none.getMessage().startsWith("no local cluster in"), none.getMessage());
    Files.writeString(dir.resolve("instances"), "room-service-1 room-service 6401 9401 -\n");
    IllegalStateException noPid =
        assertThrows(IllegalStateException.class, () -> LocalCluster.read(dir));
    assertTrue(noPid.getMessage().contains("no readable pid file"), noPid.getMessage());
  }

  @Test
  void aPidThatIsNotTheInstanceIsNeverSignalled() {
    // This test's own JVM: alive, but not started as -Dpodium.instance=room-service-1 (and CONT
    // would be harmless).
    LocalCluster.Instance impostor =
        new LocalCluster.Instance(
            "room-service-1", "room-service", 1, 1, -1, ProcessHandle.current().pid(), null);
    assertTrue(LocalCluster.alive(impostor));
    assertFalse(LocalCluster.isInstance(impostor));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> LocalCluster.signal("CONT", List.of(impostor)));
    assertTrue(e.getMessage().contains("is no longer room-service-1"), e.getMessage());
  }

  @Test
  void readsOneSampleByNameAndLabel() {
    String body =
        """
        # HELP podium_owned_events Live events this instance owns now
        # TYPE podium_owned_events gauge
        podium_owned_events_total 7.0
        podium_owned_events{service="media-relay"} 3.0
        podium_owned_events{service="room-service"} 97.0
        podium_cluster_members 10.0
        """;
    assertEquals(
        97.0, LocalCluster.metric(body, "podium_owned_events", "service=\"room-service\""));
    assertEquals(3.0, LocalCluster.metric(body, "podium_owned_events", "service=\"media-relay\""));
    assertNull(LocalCluster.metric(body, "podium_owned_events", "service=\"presence-service\""));
    assertEquals(10.0, LocalCluster.metric(body, "podium_cluster_members", null));
    assertNull(
        LocalCluster.metric(body, "podium_cluster", null),
        "a name is matched whole, not as a prefix");
  }
}
