package dev.podium.chat;

import dev.podium.runtime.Settings;

/**
 * @param historySize messages kept per event ({@code PODIUM_CHAT_HISTORY})
 * @param maxLength longest message in characters ({@code PODIUM_CHAT_MAX_LENGTH})
 * @param messagesPerSecond most messages one user may send per second ({@code
 *     PODIUM_CHAT_RATE_PER_SECOND})
 */
public record ChatConfig(int historySize, int maxLength, int messagesPerSecond) {
  public static ChatConfig from(Settings settings) {
    return new ChatConfig(
        settings.integer("PODIUM_CHAT_HISTORY", 200, 0, 100_000),
        settings.integer("PODIUM_CHAT_MAX_LENGTH", 1000, 1, 60_000),
        settings.integer("PODIUM_CHAT_RATE_PER_SECOND", 5, 1, 10_000));
  }
}
