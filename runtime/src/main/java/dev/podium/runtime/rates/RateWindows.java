package dev.podium.runtime.rates;

import io.vertx.core.Future;

/**
 * Sliding one-second rate windows by key ({@link SlidingWindow}): in this process only ({@link
 * LocalRateWindows}) or for the whole cluster ({@link ClusterRateWindows}).
 */
public interface RateWindows {
  /** Spends a slot of {@code key}'s window: true when accepted, false when the window is full. */
  Future<Boolean> tryAcquire(String key);

  /**
   * Drops every window whose key starts with {@code prefix} (the windows of an event that ended),
   * so they leave nothing behind however long the cluster takes to expire idle entries.
   */
  Future<Void> forgetPrefix(String prefix);
}
