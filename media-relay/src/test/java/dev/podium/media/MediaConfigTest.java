package dev.podium.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaConfigTest {

  private static MediaConfig jitter(String value) {
    return MediaConfig.from(Settings.of(Map.of("PODIUM_MEDIA_JITTER_MS", value)));
  }

  @Test
  void jitterDefaultsTo60Milliseconds() {
    assertEquals(Duration.ofMillis(60), MediaConfig.from(Settings.of(Map.of())).jitter());
  }

  @Test
  void jitterIsTakenInMillisecondsFrom0To1000() {
    assertEquals(Duration.ZERO, jitter("0").jitter());
    assertEquals(Duration.ofMillis(15), jitter("15").jitter(), "not rounded to frames");
    assertEquals(Duration.ofMillis(1000), jitter("1000").jitter());
  }

  @Test
  void jitterOutOfRangeFailsNamingTheSetting() {
    for (String bad : new String[] {"-1", "1001", "sixty"}) {
      Settings.InvalidSettingException e =
          assertThrows(Settings.InvalidSettingException.class, () -> jitter(bad));
      assertTrue(e.getMessage().contains("PODIUM_MEDIA_JITTER_MS"), e.getMessage());
    }
  }

  @Test
  void theOwnershipPauseLimitIsTheRoomServicesSettingDefaulting2SecondsAndRangeChecked() {
    assertEquals(Duration.ofSeconds(2), MediaConfig.from(Settings.of(Map.of())).pauseLimit());
    assertEquals(
        Duration.ofMillis(500),
        MediaConfig.from(Settings.of(Map.of("PODIUM_OWNERSHIP_PAUSE_MS", "500"))).pauseLimit());
    for (String bad : new String[] {"199", "60001", "soon"}) {
      Settings.InvalidSettingException e =
          assertThrows(
              Settings.InvalidSettingException.class,
              () -> MediaConfig.from(Settings.of(Map.of("PODIUM_OWNERSHIP_PAUSE_MS", bad))));
      assertTrue(e.getMessage().contains("PODIUM_OWNERSHIP_PAUSE_MS"), e.getMessage());
    }
  }
}
