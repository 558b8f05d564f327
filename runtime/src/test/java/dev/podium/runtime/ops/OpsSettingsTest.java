package dev.podium.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsSettingsTest {

  @Test
  void loopbackPort9100ByDefault() {
    assertEquals(new OpsSettings("127.0.0.1", 9100), OpsSettings.from(Settings.of(Map.of())));
  }

  @Test
  void kubernetesOpensItAndZeroTurnsItOff() {
    OpsSettings k8s =
        OpsSettings.from(
            Settings.of(Map.of("PODIUM_OPS_HOST", "0.0.0.0", "PODIUM_OPS_PORT", "9100")));
    assertEquals("0.0.0.0", k8s.host());
    assertTrue(k8s.enabled());
    assertFalse(OpsSettings.from(Settings.of(Map.of("PODIUM_OPS_PORT", "0"))).enabled());
  }

  @Test
  void badValuesNameTheSetting() {
    var port =
        assertThrows(
            Settings.InvalidSettingException.class,
            () -> OpsSettings.from(Settings.of(Map.of("PODIUM_OPS_PORT", "70000"))));
    assertTrue(port.getMessage().startsWith("PODIUM_OPS_PORT "), port.getMessage());
    var host =
        assertThrows(
            Settings.InvalidSettingException.class,
            () -> OpsSettings.from(Settings.of(Map.of("PODIUM_OPS_HOST", "127.0.0.1/8"))));
    assertTrue(host.getMessage().startsWith("PODIUM_OPS_HOST "), host.getMessage());
  }
}
