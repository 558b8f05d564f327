package dev.podium.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomConfigTest {
  @Test
  void thePauseLimitDefaultsToTwoSecondsAndIsRead() {
    assertEquals(Duration.ofSeconds(2), RoomConfig.from(Settings.of(Map.of())).pauseLimit());
    assertEquals(
        Duration.ofMillis(1500),
        RoomConfig.from(Settings.of(Map.of("PODIUM_OWNERSHIP_PAUSE_MS", "1500"))).pauseLimit());
  }

  @Test
  void aPauseLimitOutOfRangeIsRefusedNamingTheVariable() {
    for (String bad : new String[] {"0", "199", "60001", "soon"}) {
      Settings.InvalidSettingException e =
          assertThrows(
              Settings.InvalidSettingException.class,
              () -> RoomConfig.from(Settings.of(Map.of("PODIUM_OWNERSHIP_PAUSE_MS", bad))));
      assertTrue(e.getMessage().contains("PODIUM_OWNERSHIP_PAUSE_MS"), e.getMessage());
    }
  }
}
