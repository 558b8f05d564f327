package dev.podium.media.mix;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * "Who is talking": the loudest level of each speaker over a window of ticks, reported only when it
 * changed (levels rounded to 0.05 so that noise does not count as change).
 */
public final class LevelMeter {
  private final int windowTicks;
  private final Map<String, Double> peak = new HashMap<>();
  private Map<String, Double> lastReported = Map.of();
  private int ticks;

  public LevelMeter(int windowTicks) {
    this.windowTicks = Math.max(1, windowTicks);
  }

  /**
   * Nobody speaks and no ticks will run for a while: the empty list at once if the last report
   * named somebody, else null; the next window starts afresh.
   */
  public Map<String, Double> quiet() {
    ticks = 0;
    peak.clear();
    if (lastReported.isEmpty()) {
      return null;
    }
    lastReported = Map.of();
    return lastReported;
  }

  /** Records this tick's frames; every window returns the levels if they changed, else null. */
  public Map<String, Double> record(Map<String, short[]> frames) {
    if (frames != null) {
      frames.forEach((speaker, frame) -> peak.merge(speaker, Mixer.level(frame), Math::max));
    }
    if (++ticks < windowTicks) {
      return null;
    }
    ticks = 0;
    Map<String, Double> levels = new TreeMap<>();
    peak.forEach(
        (speaker, level) -> {
          double rounded = Math.round(level * 20) / 20.0;
          if (rounded > 0) {
            levels.put(speaker, rounded);
          }
        });
    peak.clear();
    if (levels.equals(lastReported)) {
      return null;
    }
    lastReported = levels;
    return levels;
  }
}
