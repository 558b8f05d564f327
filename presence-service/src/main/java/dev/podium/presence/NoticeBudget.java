package dev.podium.presence;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many one-by-one notices ({@code participant_joined}, {@code participant_left}) a room gets: a
 * token bucket per event, {@code perSecond} tokens a second and as many in reserve. Every socket of
 * the room receives every notice, so a join storm of N listeners would cost the room N²/2 messages;
 * past the budget a change is shown only by the next (coalesced) participant list and count. A room
 * where people come and go at a human pace sees every notice. Confined to the service's context.
 */
final class NoticeBudget {
  private static final long SECOND = 1_000_000_000L;

  private static final class Bucket {
    double tokens;
    long refilledAt;
  }

  private final double perSecond;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new HashMap<>();

  NoticeBudget(int perSecond, LongSupplier nanoClock) {
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
  }

  /** True, spending a token, if the event may have one more notice now. */
  boolean allow(String eventId) {
    long now = nanoClock.getAsLong();
    Bucket bucket =
        buckets.computeIfAbsent(
            eventId,
            e -> {
              Bucket b = new Bucket();
              b.tokens = perSecond;
              b.refilledAt = now;
              return b;
            });
    bucket.tokens =
        Math.min(perSecond, bucket.tokens + (now - bucket.refilledAt) * perSecond / SECOND);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  void forget(String eventId) {
    buckets.remove(eventId);
  }
}
