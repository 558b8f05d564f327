package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresenceConfigTest {
  @Test
  void thePauseLimitDefaultsToTwoSecondsAndIsRead() {
    assertEquals(Duration.ofSeconds(2), PresenceConfig.from(Settings.of(Map.of())).pauseLimit());
    assertEquals(
        Duration.ofMillis(1500),
        PresenceConfig.from(Settings.of(Map.of("PODIUM_OWNERSHIP_PAUSE_MS", "1500"))).pauseLimit());
  }

  @Test
  void theOldFailoverSettingNoLongerMatters() {
    assertEquals(
        PresenceConfig.from(Settings.of(Map.of())),
        PresenceConfig.from(Settings.of(Map.of("PODIUM_PRESENCE_FAILOVER_MS", "50"))));
  }

  @Test
  void aPauseLimitOutOfRangeIsRefusedNamingTheVariable() {
    for (String bad : new String[] {"0", "199", "60001", "soon"}) {
      Settings.InvalidSettingException e =
          assertThrows(
              Settings.InvalidSettingException.class,
              () -> PresenceConfig.from(Settings.of(Map.of("PODIUM_OWNERSHIP_PAUSE_MS", bad))));
      assertTrue(e.getMessage().contains("PODIUM_OWNERSHIP_PAUSE_MS"), e.getMessage());
    }
  }
}
