package dev.podium.gateway.rates;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-user message budgets at this gateway: every socket of a user shares one set of buckets, so
 * opening more sockets buys no more messages. A refused message changes nothing for anyone else; a
 * user refused {@link MessageLimits#floodRefusals()} times within the flood window is flooding and
 * the socket that asks next is closed. Budgets of users who left are kept until they have refilled,
 * so reconnecting does not reset them. Shared by all event loops of the gateway (a user's sockets
 * may be on several): every method is synchronized.
 */
public final class MessageRates {
  /** The answer to one message. */
  public sealed interface Verdict {}

  /** Go ahead. */
  public record Allowed() implements Verdict {}

  /** Refused: tell the sender when to try again; nothing reaches anyone. */
  public record Limited(MessageClass messageClass, long retryAfterMillis) implements Verdict {}

  /** Refused, and the sender has been refused too often: close the socket. */
  public record Flooding(MessageClass messageClass, int refusals) implements Verdict {}

  private static final Allowed ALLOWED = new Allowed();

  private final MessageLimits limits;
  private final LongSupplier clock;
  private final Map<String, UserBudget> users = new HashMap<>();

  private final class UserBudget {
    final Map<MessageClass, TokenBucket> buckets = new EnumMap<>(MessageClass.class);
    final ArrayDeque<Long> refusedAt = new ArrayDeque<>();
    int sockets;

    Verdict take(MessageClass messageClass, long now) {
      long wait =
          buckets
              .computeIfAbsent(messageClass, c -> new TokenBucket(limits.rate(c), now))
              .tryTake(now);
      if (wait == 0) {
        return ALLOWED;
      }
      int refusals = refused(now);
      if (refusals >= limits.floodRefusals()) {
        return new Flooding(messageClass, refusals);
      }
      return new Limited(messageClass, Math.max(1, (wait + 999_999) / 1_000_000));
    }

    int refused(long now) {
      forgetOldRefusals(now);
      refusedAt.addLast(now);
      return refusedAt.size();
    }

    void forgetOldRefusals(long now) {
      long window = limits.floodWindow().toNanos();
      while (!refusedAt.isEmpty() && now - refusedAt.peekFirst() >= window) {
        refusedAt.removeFirst();
      }
    }

    boolean forgettable(long now) {
      forgetOldRefusals(now);
      return sockets == 0
          && refusedAt.isEmpty()
          && buckets.values().stream().allMatch(b -> b.isFull(now));
    }
  }

  /** {@code clock} gives nanoseconds ({@code System::nanoTime} in production). */
  public MessageRates(MessageLimits limits, LongSupplier clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /** A socket of this user opened. */
  public synchronized void opened(String userId) {
    users.computeIfAbsent(userId, u -> new UserBudget()).sockets++;
  }

  /** A socket of this user closed; its budget stays until it has refilled ({@link #sweep}). */
  public synchronized void closed(String userId) {
    UserBudget budget = users.get(userId);
    if (budget != null && budget.sockets > 0) {
      budget.sockets--;
    }
  }

  /** Charges one message of this class to the user. */
  public synchronized Verdict take(String userId, MessageClass messageClass) {
    return users
        .computeIfAbsent(userId, u -> new UserBudget())
        .take(messageClass, clock.getAsLong());
  }

  /**
   * Counts a message refused for another reason (too large, malformed) towards flooding: true when
   * the user has now been refused too often and the socket should close.
   */
  public synchronized boolean refused(String userId) {
    return users.computeIfAbsent(userId, u -> new UserBudget()).refused(clock.getAsLong())
        >= limits.floodRefusals();
  }

  /** Forgets users with no socket whose budgets have refilled; returns how many are still kept. */
  public synchronized int sweep() {
    long now = clock.getAsLong();
    for (Iterator<UserBudget> it = users.values().iterator(); it.hasNext(); ) {
      if (it.next().forgettable(now)) {
        it.remove();
      }
    }
    return users.size();
  }

  public MessageLimits limits() {
    return limits;
  }
}
