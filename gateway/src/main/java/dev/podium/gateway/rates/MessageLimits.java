package dev.podium.gateway.rates;

import dev.podium.runtime.Settings;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The gateway's per-user message limits.
 *
 * @param rates rate and burst per message class ({@code PODIUM_RATE_<CLASS>_PER_MIN}, {@code
 *     PODIUM_RATE_<CLASS>_BURST})
 * @param floodRefusals refusals within {@code floodWindow} after which the socket is closed ({@code
 *     PODIUM_FLOOD_REFUSALS})
 * @param floodWindow window over which refusals count ({@code PODIUM_FLOOD_WINDOW_MS})
 * @param signalBroadcastMaxBytes largest signalling message without {@code to}, which the whole
 *     room receives ({@code PODIUM_SIGNAL_BROADCAST_MAX_BYTES})
 */
public record MessageLimits(
    Map<MessageClass, Rate> rates,
    int floodRefusals,
    Duration floodWindow,
    int signalBroadcastMaxBytes) {

  /**
   * Defaults a real client never reaches: a WebRTC negotiation sends an offer, an answer and a
   * burst of 10–30 ICE candidates; a host mutes or dismisses a few people in a row; a listener
   * pages through a big participant list.
   */
  private static final Map<MessageClass, Rate> DEFAULTS =
      Map.of(
          MessageClass.SIGNAL_DIRECT, new Rate(1200, 60),
          MessageClass.SIGNAL_BROADCAST, new Rate(120, 10),
          MessageClass.SPEAK_REQUEST, new Rate(20, 5),
          MessageClass.INVITE, new Rate(30, 10),
          MessageClass.STAGE, new Rate(120, 30),
          MessageClass.PARTICIPANTS, new Rate(300, 60),
          MessageClass.CHAT, new Rate(600, 20));

  /**
   * Room-wide signalling: a browser's SDP offer with audio, video and all its codecs is 5–10 KB of
   * JSON; 16 KiB leaves room for that and keeps a flood at most burst × 16 KiB per member.
   */
  private static final int DEFAULT_SIGNAL_BROADCAST_BYTES = 16 * 1024;

  public MessageLimits {
    rates = Collections.unmodifiableMap(new EnumMap<>(rates));
    for (MessageClass c : MessageClass.values()) {
      if (!rates.containsKey(c)) {
        throw new IllegalArgumentException("no rate for " + c);
      }
    }
  }

  public Rate rate(MessageClass messageClass) {
    return rates.get(messageClass);
  }

  public static MessageLimits defaults() {
    return new MessageLimits(DEFAULTS, 50, Duration.ofSeconds(10), DEFAULT_SIGNAL_BROADCAST_BYTES);
  }

  public static MessageLimits from(Settings settings) {
    Map<MessageClass, Rate> rates = new EnumMap<>(MessageClass.class);
    for (MessageClass c : MessageClass.values()) {
      Rate fallback = DEFAULTS.get(c);
      rates.put(
          c,
          new Rate(
              settings.integer(
                  "PODIUM_RATE_" + c.settingName() + "_PER_MIN",
                  fallback.perMinute(),
                  1,
                  1_000_000),
              settings.integer(
                  "PODIUM_RATE_" + c.settingName() + "_BURST", fallback.burst(), 1, 100_000)));
    }
    Duration window = settings.millis("PODIUM_FLOOD_WINDOW_MS", 10_000);
    if (window.toMillis() < 100 || window.toMillis() > 3_600_000) {
      throw new Settings.InvalidSettingException(
          "PODIUM_FLOOD_WINDOW_MS", "must be between 100 and 3600000 ms, got " + window.toMillis());
    }
    return new MessageLimits(
        rates,
        settings.integer("PODIUM_FLOOD_REFUSALS", 50, 1, 100_000),
        window,
        settings.integer(
            "PODIUM_SIGNAL_BROADCAST_MAX_BYTES",
            DEFAULT_SIGNAL_BROADCAST_BYTES,
            256,
            16 * 1024 * 1024));
  }
}
