package dev.podium.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import io.vertx.core.net.HostAndPort;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameAncestorsTest {

  @Test
  void noFramingByDefault() {
    FrameAncestors frames = FrameAncestors.from(Settings.of(Map.of()));
    assertEquals("'none'", frames.directive());
    assertEquals("DENY", frames.frameOptions());
    assertEquals(frames, FrameAncestors.parse("none"));
  }

  @Test
  void selfOrAnEmbeddingApp() {
    assertEquals(new FrameAncestors("'self'", "SAMEORIGIN"), FrameAncestors.parse("self"));
    FrameAncestors app = FrameAncestors.parse("self, https://App.example");
    assertEquals("'self' https://app.example", app.directive());
    assertNull(app.frameOptions(), "X-Frame-Options cannot name another origin: CSP alone decides");
  }

  @Test
  void invalidEntriesFailStartUp() {
    for (String bad : new String[] {"https://app.example/page", "'self'", "*", "app.example"}) {
      var e =
          assertThrows(
              Settings.InvalidSettingException.class,
              () -> FrameAncestors.from(Settings.of(Map.of("PODIUM_FRAME_ANCESTORS", bad))));
      assertTrue(e.getMessage().startsWith("PODIUM_FRAME_ANCESTORS "), e.getMessage());
    }
  }

  @Test
  void theContentSecurityPolicyLetsThePageWorkAndNothingElse() {
    String csp =
        new WebClientHeaders(FrameAncestors.none())
            .contentSecurityPolicy(HostAndPort.create("podium.example", 443));
    assertEquals(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "media-src 'self' blob:; connect-src 'self' ws://podium.example:* wss://podium.example:*; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'",
        csp);
    String forged =
        new WebClientHeaders(FrameAncestors.none())
            .contentSecurityPolicy(HostAndPort.create("evil; script-src *", 80));
    assertTrue(forged.contains("connect-src 'self';"), forged);
    assertTrue(
        new WebClientHeaders(FrameAncestors.none())
            .contentSecurityPolicy(null)
            .contains("connect-src 'self';"));
  }
}
