package dev.podium.bench;

/**
 * One client's way back after its socket went away: since when it has been away, how many attempts
 * it has made, the gateway's {@code after_ms} if it sent one, and the base URL to try next ({@link
 * ReconnectPolicy} decides delays and order). Used on the client's own context only.
 */
final class Rejoin {
  private static final long MS = 1_000_000L;

  private final ReconnectPolicy policy;
  private final int bases;
  private int base;
  private int attempt;
  private long awaySince = -1;
  private long reconnectAt = -1;

  Rejoin(ReconnectPolicy policy, int bases, int firstBase) {
    this.policy = policy;
    this.bases = bases;
    this.base = firstBase;
  }

  /** The base URL to connect through now. */
  int base() {
    return base;
  }

  /** The socket went away (or is about to): the time away starts now unless it already runs. */
  void away(long nowNanos) {
    if (awaySince < 0) {
      awaySince = nowNanos;
    }
  }

  /** The gateway asked to come back after {@code afterMs} (a {@code reconnect} message). */
  void askedBackAfter(long afterMs, long nowNanos) {
    reconnectAt = nowNanos + afterMs * MS;
    away(nowNanos);
  }

  /** Back in the room: returns when the client went away, and starts counting attempts afresh. */
  long back() {
    long since = awaySince;
    awaySince = -1;
    attempt = 0;
    return since;
  }

  /** Whether another attempt may be made now. */
  boolean mayTry() {
    return policy.mayTry(attempt);
  }

  /** Moves to the next base and returns how long to wait before connecting through it. */
  long nextDelayMs(long nowNanos) {
    long afterLeftMs = reconnectAt < 0 ? -1 : Math.max(0, (reconnectAt - nowNanos) / MS);
    reconnectAt = -1;
    long delayMs = ReconnectPolicy.delayMs(attempt, afterLeftMs);
    attempt++;
    base = ReconnectPolicy.nextBase(base, bases);
    return delayMs;
  }
}
