package dev.podium.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {
  private static final OriginPolicy SAME = OriginPolicy.sameOrigin();

  @Test
  void byDefaultOnlyTheSameOriginAndNonBrowserClients() {
    OriginPolicy policy = OriginPolicy.from(Settings.of(Map.of()));
    assertTrue(policy.allows("http://127.0.0.1:8000", "127.0.0.1:8000", null, false));
    assertTrue(
        policy.allows("HTTP://Podium.Example", "podium.example", null, false),
        "case and default port");
    assertTrue(policy.allows("http://podium.example", "podium.example:80", null, false));
    assertTrue(policy.allows(null, "podium.example", null, false), "no Origin: not a browser page");
    assertFalse(policy.allows("http://evil.example", "podium.example", null, false));
    assertFalse(
        policy.allows("http://127.0.0.1:8001", "127.0.0.1:8000", null, false), "another port");
    assertFalse(
        policy.allows("https://127.0.0.1:8000", "127.0.0.1:8000", null, false), "another scheme");
    assertFalse(
        policy.allows("http://podium.example", null, null, false), "no Host to compare with");
  }

  @Test
  void theSchemeComesFromTheProxyWhenItTerminatesTls() {
    assertTrue(SAME.allows("https://podium.example", "podium.example", "https", false));
    assertTrue(
        SAME.allows("https://podium.example", "podium.example", "https, http", false),
        "first hop counts");
    assertFalse(SAME.allows("http://podium.example", "podium.example", "https", false));
    assertTrue(SAME.allows("https://podium.example", "podium.example", null, true));
    assertTrue(SAME.allows("https://podium.example", "podium.example:443", "bogus", true));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "",
        " ",
        "file://",
        "chrome-extension://abc",
        "http://podium.example/",
        "http://podium.example/path",
        "http://user@podium.example",
        "http://podium.example?x",
        "http://podium.example\r\n",
        "ws://podium.example",
        "not an origin"
      })
  void oddOriginsAreForeign(String origin) {
    assertFalse(SAME.allows(origin, "podium.example", null, false), origin);
    assertFalse(
        OriginPolicy.parse("http://podium.example").allows(origin, "other.example", null, false),
        origin);
  }

  @Test
  void aForgedHostNeverMakesAnOriginSame() {
    assertFalse(SAME.allows("http://evil.example", "evil.example@podium.example", null, false));
    assertFalse(SAME.allows("http://evil.example", "podium.example/x", null, false));
  }

  @Test
  void listedOriginsAreAllowedBesidesTheSameOrigin() {
    OriginPolicy policy =
        OriginPolicy.parse(" https://App.Example , http://127.0.0.1:3000,https://app.example:443");
    assertEquals(List.of("https://app.example", "http://127.0.0.1:3000"), policy.listed());
    assertTrue(policy.allows("https://app.example", "podium.example", null, false));
    assertTrue(policy.allows("http://127.0.0.1:3000", "podium.example", null, false));
    assertTrue(policy.allows("http://podium.example", "podium.example", null, false));
    assertFalse(
        policy.allows("http://app.example", "podium.example", null, false), "scheme matters");
    assertFalse(policy.allows("https://app.example.evil", "podium.example", null, false));
    assertFalse(policy.anyOrigin());
  }

  @Test
  void starAllowsEveryOrigin() {
    OriginPolicy any = OriginPolicy.parse("*");
    assertTrue(any.anyOrigin());
    assertTrue(any.allows("https://anything.example", "podium.example", null, false));
    assertTrue(any.allows("null", "podium.example", null, false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "podium.example",
        "https://app.example/",
        "https://app.example/app",
        "*, https://app.example",
        "https://app.example,",
        "ftp://app.example",
        "https://app.example:99999",
        "https://user@app.example"
      })
  void invalidEntriesFailStartUpNamingTheSetting(String value) {
    Settings.InvalidSettingException e =
        assertThrows(
            Settings.InvalidSettingException.class,
            () -> OriginPolicy.from(Settings.of(Map.of("PODIUM_ALLOWED_ORIGINS", value))));
    assertTrue(e.getMessage().startsWith("PODIUM_ALLOWED_ORIGINS "), e.getMessage());
  }
}
