package dev.podium.gateway.rates;

/**
 * A token bucket: holds up to {@code burst} tokens, refills at {@code perMinute} tokens a minute,
 * and each accepted message takes one. Plain state driven by the caller's clock (nanoseconds), so
 * timing is tested without sleeping.
 */
public final class TokenBucket {
  private static final double NANOS_PER_MINUTE = 60e9;

  private final int burst;
  private final double perNano;
  private double tokens;
  private long updatedAt;

  public TokenBucket(Rate rate, long nowNanos) {
    this.burst = rate.burst();
    this.perNano = rate.perMinute() / NANOS_PER_MINUTE;
    this.tokens = burst;
    this.updatedAt = nowNanos;
  }

  /** Takes a token and returns 0, or returns the nanoseconds until one is there (nothing taken). */
  public long tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return perNano <= 0 ? Long.MAX_VALUE : (long) Math.ceil((1 - tokens) / perNano);
  }

  /** True when the bucket has refilled completely: forgetting it would change nothing. */
  public boolean isFull(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - updatedAt;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perNano);
      updatedAt = nowNanos;
    }
  }
}
