package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings.InvalidSettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  @Test
  void defaultsToALoopbackClusterForAService() {
    ClusterSettings c = ClusterSettings.from(Settings.of(Map.of()));
    assertEquals(
        new ClusterSettings(
            "podium", List.of("127.0.0.1"), "127.0.0.1", 5701, null, 0, null, false, 0, 20),
        c);
  }

  @Test
  void anAllInOneIsStandaloneUnlessToldToCluster() {
    ClusterSettings a = ClusterSettings.standaloneByDefault(Settings.of(Map.of()));
    ClusterSettings b = ClusterSettings.standaloneByDefault(Settings.of(Map.of()));
    assertTrue(a.standalone());
    assertEquals(List.of(), a.members());
    assertTrue(a.name().startsWith("podium-standalone-"), a.name());
    assertNotEquals(
        a.name(), b.name(), "two all-in-ones must never share a cluster name by default");

    for (Map<String, String> told :
        List.of(
            Map.of("PODIUM_CLUSTER_NAME", "mine"),
            Map.of("PODIUM_CLUSTER_MEMBERS", "127.0.0.1:5701"),
            Map.of("PODIUM_CLUSTER_CONFIG", "/etc/hz.xml"))) {
      ClusterSettings c = ClusterSettings.standaloneByDefault(Settings.of(told));
      assertFalse(c.standalone(), told.toString());
    }
    assertEquals(
        "mine",
        ClusterSettings.standaloneByDefault(Settings.of(Map.of("PODIUM_CLUSTER_NAME", "mine")))
            .name());
    assertEquals(
        "podium",
        ClusterSettings.standaloneByDefault(
                Settings.of(Map.of("PODIUM_CLUSTER_MEMBERS", "127.0.0.1")))
            .name());
  }

  @Test
  void readsEverySetting() {
    ClusterSettings c =
        ClusterSettings.from(
            Settings.of(
                Map.of(
                    "PODIUM_CLUSTER_NAME", "podium-test",
                    "PODIUM_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2",
                    "PODIUM_CLUSTER_HOST", "10.0.0.1",
                    "PODIUM_CLUSTER_PORT", "5801",
                    "PODIUM_CLUSTER_BUS_PORT", "5810",
                    "PODIUM_CLUSTER_TLS", "off")));
    assertEquals("podium-test", c.name());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), c.members());
    assertEquals("10.0.0.1", c.host());
    assertEquals(5801, c.port());
    assertEquals(5810, c.busPort());
    assertNull(c.tls());
  }

  @Test
  void membersAreTrimmedAndEmptyEntriesDropped() {
    ClusterSettings c =
        ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_MEMBERS", " a:5701 , ,b:5702,, ")));
    assertEquals(List.of("a:5701", "b:5702"), c.members());
  }

  @Test
  void portOutOfRangeIsRefusedNamingTheVariable() {
    for (String port : List.of("0", "65536", "x")) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () -> ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_PORT", port))));
      assertTrue(e.getMessage().startsWith("PODIUM_CLUSTER_PORT "), e.getMessage());
    }
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_BUS_PORT", "70000"))));
    assertTrue(e.getMessage().startsWith("PODIUM_CLUSTER_BUS_PORT "), e.getMessage());
  }

  @Test
  void theWildcardAddressIsRefused() {
    for (String host : List.of("0.0.0.0", "::")) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () ->
                  ClusterSettings.from(
                      Settings.of(
                          Map.of("PODIUM_CLUSTER_HOST", host, "PODIUM_CLUSTER_TLS", "off"))));
      assertTrue(e.getMessage().startsWith("PODIUM_CLUSTER_HOST "), e.getMessage());
    }
  }

  /** The worker pool: read, and a value that would stall or exhaust the process is refused. */
  @Test
  void workerThreadsAreReadAndRangeChecked() {
    assertEquals(20, ClusterSettings.from(Settings.of(Map.of())).workerThreads());
    assertEquals(
        64,
        ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_WORKER_THREADS", "64")))
            .workerThreads());
    for (String bad : List.of("0", "513", "-4", "many")) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () ->
                  ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_WORKER_THREADS", bad))));
      assertTrue(e.getMessage().startsWith("PODIUM_CLUSTER_WORKER_THREADS "), e.getMessage());
    }
  }

  @Test
  void expectedMembersAreReadRangeCheckedAndIgnoredStandalone() {
    assertEquals(0, ClusterSettings.from(Settings.of(Map.of())).expectedMembers());
    assertEquals(
        9,
        ClusterSettings.from(Settings.of(Map.of("PODIUM_CLUSTER_EXPECTED_MEMBERS", "9")))
            .expectedMembers());
    for (String bad : List.of("-1", "1001", "nine")) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () ->
                  ClusterSettings.from(
                      Settings.of(Map.of("PODIUM_CLUSTER_EXPECTED_MEMBERS", bad))));
      assertTrue(e.getMessage().startsWith("PODIUM_CLUSTER_EXPECTED_MEMBERS "), e.getMessage());
    }
    assertEquals(
        0,
        ClusterSettings.standaloneByDefault(
                Settings.of(Map.of("PODIUM_CLUSTER_EXPECTED_MEMBERS", "9")))
            .expectedMembers(),
        "a standalone all-in-one is a cluster of one");
  }
}
