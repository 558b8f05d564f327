package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings.InvalidSettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  @Test
  void defaultsToALoopbackSingleNodeCluster() {
    ClusterSettings c = ClusterSettings.from(Settings.of(Map.of()));
    assertEquals(new ClusterSettings("podium", List.of("127.0.0.1"), "127.0.0.1", 5701, null), c);
  }

  @Test
  void readsEverySetting() {
    ClusterSettings c = ClusterSettings.from(Settings.of(Map.of(
        "PODIUM_CLUSTER_NAME", "podium-test",
        "PODIUM_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2",
        "PODIUM_CLUSTER_HOST", "10.0.0.1",
        "PODIUM_CLUSTER_PORT", "5801")));
    assertEquals("podium-test", c.name());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), c.members());
    assertEquals("10.0.0.1", c.host());
    assertEquals(5801, c.port());
  }

  @Test
  void membersAreTrimmedAndEmptyEntriesDropped() {
    ClusterSettings c = ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_MEMBERS", " a:5701 , ,b:5702,, ")));
    assertEquals(List.of("a:5701", "b:5702"), c.members());
  }

  @Test
  void portOutOfRangeIsRefusedNamingTheVariable() {
    for (String port : List.of("0", "65536", "x")) {
      InvalidSettingException e = assertThrows(InvalidSettingException.class,
          () -> ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_PORT", port))));
      assertTrue(e.getMessage().startsWith("PODIUM_CLUSTER_PORT "), e.getMessage());
    }
  }
}
