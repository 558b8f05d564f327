package dev.podium.gateway.auth;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.security.PublicKey;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's public keys, fetched from its JWKS and cached. A token naming a {@code
 * kid} the cache lacks triggers a refresh (a key rotation), but fetches are rate-limited: at most
 * one per {@code minRefresh}, whatever arrives, and concurrent misses share the fetch in flight, so
 * a flood of tokens with made-up {@code kid}s costs the provider one request per interval.
 *
 * <p>Answers: the key; {@code token_invalid} when the key set was fetched (within its TTL) and has
 * no such key, also when a refresh is not allowed yet; {@code auth_unavailable} when no usable key
 * set could be fetched (provider down, slow, or answering garbage) or the last attempt failed and
 * the key is unknown (it might be a rotation we could not see). A key set older than its TTL is not
 * used: keys removed by the provider stop working within the TTL.
 *
 * <p>One per gateway JVM, shared by all its event loops (so the rate limit and the single fetch in
 * flight hold for the node): the state is guarded by this object's lock, never held across I/O, and
 * every answer is handed back to the caller's own context ({@link CallersContext}).
 */
final class JwksKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);

  private final Supplier<Future<Buffer>> fetch;
  private final LongSupplier clockMillis;
  private final long ttlMillis;
  private final long minRefreshMillis;

  private JwkSet keys = JwkSet.empty();
  private boolean fetched;
  private long fetchedAt;
  private boolean attempted;
  private long attemptedAt;
  private String lastError;
  private Future<Void> inFlight;

  /**
   * @param fetch one GET of the JWKS document (bounded in time and size by the caller)
   * @param clockMillis a monotonic clock in milliseconds
   */
  JwksKeys(
      Supplier<Future<Buffer>> fetch, LongSupplier clockMillis, Duration ttl, Duration minRefresh) {
    this.fetch = fetch;
    this.clockMillis = clockMillis;
    this.ttlMillis = ttl.toMillis();
    this.minRefreshMillis = minRefresh.toMillis();
  }

  /** The key for {@code kid} and {@code alg}, or a failed {@link AuthFailure}. */
  Future<PublicKey> key(String kid, JwsAlgorithm alg) {
    return CallersContext.of(lookUp(kid, alg));
  }

  private synchronized Future<PublicKey> lookUp(String kid, JwsAlgorithm alg) {
    long now = clockMillis.getAsLong();
    if (fresh(now)) {
      PublicKey key = keys.find(kid, alg);
      if (key != null) {
        return Future.succeededFuture(key);
      }
    }
    Future<Void> refresh = refreshIfAllowed(now);
    if (refresh == null) {
      return answer(kid, alg);
    }
    return refresh.transform(ar -> answer(kid, alg));
  }

  /** Fetches now unless the rate limit forbids it; joins a fetch in flight. Never fails. */
  Future<Void> refresh() {
    Future<Void> refresh;
    synchronized (this) {
      refresh = refreshIfAllowed(clockMillis.getAsLong());
    }
    return refresh == null ? Future.succeededFuture() : CallersContext.of(refresh);
  }

  /** Number of usable keys in the current set (for logs and tests). */
  synchronized int size() {
    return keys.size();
  }

  private boolean fresh(long now) {
    return fetched && now - fetchedAt < ttlMillis;
  }

  private Future<Void> refreshIfAllowed(long now) {
    if (inFlight != null) {
      return inFlight;
    }
    if (attempted && now - attemptedAt < minRefreshMillis) {
      return null;
    }
    attempted = true;
    attemptedAt = now;
    Future<Buffer> response;
    try {
      response = fetch.get();
    } catch (RuntimeException e) {
      response = Future.failedFuture(e);
    }
    Future<Void> done =
        response.transform(
            ar -> {
              synchronized (this) {
                inFlight = null;
                if (ar.failed()) {
                  lastError = String.valueOf(ar.cause().getMessage());
                  LOG.warn("JWKS fetch failed: {}", lastError);
                  return Future.succeededFuture();
                }
                try {
                  JwkSet parsed = JwkSet.parse(ar.result());
                  keys = parsed;
                  fetched = true;
                  fetchedAt = clockMillis.getAsLong();
                  lastError = null;
                  LOG.info("JWKS fetched: {} usable keys", parsed.size());
                  if (!parsed.skipped().isEmpty()) {
                    LOG.debug("JWKS keys skipped: {}", parsed.skipped());
                  }
                } catch (RuntimeException e) {
                  lastError = String.valueOf(e.getMessage());
                  LOG.warn("JWKS refused: {}", lastError);
                }
                return Future.succeededFuture();
              }
            });
    // A fetch that answered at once has already run the callback above: nothing is in flight.
    inFlight = done.isComplete() ? null : done;
    return done;
  }

  private synchronized Future<PublicKey> answer(String kid, JwsAlgorithm alg) {
    long now = clockMillis.getAsLong();
    if (!fresh(now)) {
      return Future.failedFuture(
          new AuthFailure(
              ErrorCode.AUTH_UNAVAILABLE,
              "The identity provider's keys are not available; try again shortly",
              "could not fetch the JWKS (PODIUM_JWKS_URL)"
                  + (lastError == null ? "" : ": " + lastError)));
    }
    PublicKey key = keys.find(kid, alg);
    if (key != null) {
      return Future.succeededFuture(key);
    }
    if (lastError != null) {
      return Future.failedFuture(
          new AuthFailure(
              ErrorCode.AUTH_UNAVAILABLE,
              "The identity provider's keys are not available; try again shortly",
              "no "
                  + alg
                  + " key with kid '"
                  + shorten(kid)
                  + "' and the last JWKS refresh failed: "
                  + lastError));
    }
    return Future.failedFuture(
        new AuthFailure(
            ErrorCode.TOKEN_INVALID,
            "The token is signed with an unknown key",
            "no "
                + alg
                + " key with kid '"
                + shorten(kid)
                + "' in the JWKS (refreshed at most every "
                + minRefreshMillis
                + " ms, PODIUM_JWKS_MIN_REFRESH_MS)"));
  }

  private static String shorten(String kid) {
    return kid.length() > 80 ? kid.substring(0, 80) + "..." : kid;
  }
}
