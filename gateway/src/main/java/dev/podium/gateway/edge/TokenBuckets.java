package dev.podium.gateway.edge;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client address): {@code burst} tokens at most, refilled at {@code
 * perSecond}; each admitted event takes one. Time comes from an injected nanosecond clock. Shared
 * by the gateway's event loops: synchronized.
 */
public final class TokenBuckets {
  private static final long SECOND = 1_000_000_000L;

  private final double perNano;
  private final int burst;
  private final LongSupplier clock;
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  public TokenBuckets(int perSecond, int burst, LongSupplier nanoClock) {
    this.perNano = perSecond / (double) SECOND;
    this.burst = burst;
    this.clock = nanoClock;
  }

  /**
   * Takes a token for this key: 0 when there was one, otherwise the milliseconds until there will
   * be.
   */
  public synchronized long take(String key) {
    long now = clock.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    double tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perNano);
    bucket.at = now;
    if (tokens >= 1) {
      bucket.tokens = tokens - 1;
      return 0;
    }
    bucket.tokens = tokens;
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1_000_000));
  }

  /**
   * Forgets buckets that have refilled completely (they behave like new ones), so memory follows
   * active keys.
   */
  public synchronized void forgetFull() {
    long now = clock.getAsLong();
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next();
      if (bucket.tokens + (now - bucket.at) * perNano >= burst) {
        it.remove();
      }
    }
  }

  public synchronized int size() {
    return buckets.size();
  }
}
