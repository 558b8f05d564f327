package dev.podium.gateway.web;

import dev.podium.runtime.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * Which pages may show the web client in a frame ({@code PODIUM_FRAME_ANCESTORS}): by default none,
 * so that no other site can overlay the page and trick a host into clicking its buttons
 * (clickjacking). {@code self} allows pages of the gateway's own origin; a comma-separated list of
 * origins (and optionally {@code self}) allows an embedding app.
 *
 * @param directive the CSP {@code frame-ancestors} sources
 * @param frameOptions the {@code X-Frame-Options} value for browsers without CSP, or null when it
 *     cannot express the list (then CSP alone decides)
 */
public record FrameAncestors(String directive, String frameOptions) {
  public static final String SETTING = "PODIUM_FRAME_ANCESTORS";

  public static FrameAncestors none() {
    return new FrameAncestors("'none'", "DENY");
  }

  public static FrameAncestors from(Settings settings) {
    return parse(settings.optional(SETTING));
  }

  public static FrameAncestors parse(String value) {
    if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("none")) {
      return none();
    }
    List<String> sources = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      String e = entry.trim();
      if (e.equalsIgnoreCase("self")) {
        sources.add("'self'");
      } else {
        sources.add(
            OriginPolicy.normalise(e)
                .orElseThrow(
                    () ->
                        new Settings.InvalidSettingException(
                            SETTING,
                            "has '"
                                + e
                                + "': write none, self, or origins such as https://app.example (comma-separated)")));
      }
    }
    boolean selfOnly = sources.stream().allMatch("'self'"::equals);
    return new FrameAncestors(
        String.join(" ", sources.stream().distinct().toList()), selfOnly ? "SAMEORIGIN" : null);
  }
}
