package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The key cache on a virtual clock with a fetch the test answers by hand: rotation, the refresh
 * rate limit, shared fetches, expiry and an unreachable provider. No Vert.x, no sleeping.
 */
class JwksKeysTest {
  private static final TestKeys RSA_A = TestKeys.rsa("a");
  private static final TestKeys EC_B = TestKeys.ec("b");
  private static final TestKeys RSA_C = TestKeys.rsa("c");

  private long now = 1_000_000;
  private final List<Promise<Buffer>> fetches = new ArrayList<>();
  private final JwksKeys keys =
      new JwksKeys(this::fetch, () -> now, Duration.ofMinutes(10), Duration.ofSeconds(30));

  private Future<Buffer> fetch() {
    Promise<Buffer> p = Promise.promise();
    fetches.add(p);
    return p.future();
  }

  private void answer(TestKeys... served) {
    fetches.get(fetches.size() - 1).complete(Buffer.buffer(TestKeys.jwks(served).encode()));
  }

  private static PublicKey key(Future<PublicKey> f) {
    assertTrue(f.isComplete(), "answered without waiting");
    assertTrue(f.succeeded(), String.valueOf(f.cause()));
    return f.result();
  }

  private static ErrorCode refusal(Future<PublicKey> f) {
    assertTrue(f.isComplete(), "answered without waiting");
    assertTrue(f.failed(), "expected a refusal");
    assertInstanceOf(AuthFailure.class, f.cause());
    return ((AuthFailure) f.cause()).code();
  }

  @Test
  void theFirstTokenFetchesAndLaterOnesUseTheCache() {
    Future<PublicKey> first = keys.key("a", JwsAlgorithm.RS256);
    assertEquals(1, fetches.size());
    answer(RSA_A, EC_B);
    assertEquals(RSA_A.pair.getPublic(), key(first));
    assertEquals(EC_B.pair.getPublic(), key(keys.key("b", JwsAlgorithm.ES256)));
    now += 9 * 60_000;
    key(keys.key("a", JwsAlgorithm.RS256));
    assertEquals(1, fetches.size());
  }

  @Test
  void aKeyIsOnlyFoundUnderItsOwnAlgorithm() {
    keys.refresh();
    answer(RSA_A, EC_B);
    assertEquals(ErrorCode.TOKEN_INVALID, refusal(keys.key("a", JwsAlgorithm.ES256)));
    assertEquals(ErrorCode.TOKEN_INVALID, refusal(keys.key("b", JwsAlgorithm.RS256)));
  }

  @Test
  void aNewKidIsFoundAfterARefresh() {
    keys.refresh();
    answer(RSA_A);
    now += 31_000;
    Future<PublicKey> rotated = keys.key("c", JwsAlgorithm.RS256);
    assertEquals(2, fetches.size(), "an unknown kid refreshes the set");
    answer(RSA_A, RSA_C);
    assertEquals(RSA_C.pair.getPublic(), key(rotated));
  }

  @Test
  void aFloodOfUnknownKidsCostsOneFetchPerInterval() {
    keys.refresh();
    answer(RSA_A);
    now += 31_000;
    List<Future<PublicKey>> flood = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      flood.add(keys.key(UUID.randomUUID().toString(), JwsAlgorithm.RS256));
    }
    assertEquals(2, fetches.size(), "concurrent misses share one fetch");
    answer(RSA_A);
    for (Future<PublicKey> f : flood) {
      assertEquals(ErrorCode.TOKEN_INVALID, refusal(f));
    }
    for (int s = 0; s < 29; s++) {
      now += 1_000;
      for (int i = 0; i < 100; i++) {
        assertEquals(
            ErrorCode.TOKEN_INVALID,
            refusal(keys.key(UUID.randomUUID().toString(), JwsAlgorithm.ES256)));
      }
    }
    assertEquals(2, fetches.size(), "no fetch within the interval");
    now += 1_000;
    keys.key("zzz", JwsAlgorithm.RS256);
    assertEquals(3, fetches.size(), "the next interval allows one more");
    // Known keys are served throughout, in flight or not.
    key(keys.key("a", JwsAlgorithm.RS256));
  }

  @Test
  void aRotationWithinTheIntervalWaitsForIt() {
    keys.refresh();
    answer(RSA_A);
    now += 5_000;
    Future<PublicKey> early = keys.key("c", JwsAlgorithm.RS256);
    assertEquals(1, fetches.size());
    assertEquals(ErrorCode.TOKEN_INVALID, refusal(early));
    assertTrue(((AuthFailure) early.cause()).details().contains("PODIUM_JWKS_MIN_REFRESH_MS"));
    now += 25_000;
    Future<PublicKey> later = keys.key("c", JwsAlgorithm.RS256);
    answer(RSA_A, RSA_C);
    key(later);
  }

  @Test
  void anUnreachableProviderIsAuthUnavailable() {
    Future<PublicKey> first = keys.key("a", JwsAlgorithm.RS256);
    fetches.get(0).fail("connection refused");
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(first));
    assertTrue(((AuthFailure) first.cause()).details().contains("connection refused"));
    // Rate-limited, still unavailable (and no new fetch).
    now += 1_000;
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(keys.key("a", JwsAlgorithm.RS256)));
    assertEquals(1, fetches.size());
    // Back up: the next interval fetches again.
    now += 30_000;
    Future<PublicKey> again = keys.key("a", JwsAlgorithm.RS256);
    answer(RSA_A);
    key(again);
  }

  @Test
  void aFailedRefreshKeepsTheKnownKeysButAnUnknownKidIsUnavailable() {
    keys.refresh();
    answer(RSA_A);
    now += 31_000;
    Future<PublicKey> unknown = keys.key("c", JwsAlgorithm.RS256);
    fetches.get(1).fail("timeout");
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(unknown));
    key(keys.key("a", JwsAlgorithm.RS256));
  }

  @Test
  void garbageFromTheProviderIsAFailedFetch() {
    Future<PublicKey> first = keys.key("a", JwsAlgorithm.RS256);
    fetches.get(0).complete(Buffer.buffer("<html>oops</html>"));
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(first));
    now += 30_000;
    Future<PublicKey> second = keys.key("a", JwsAlgorithm.RS256);
    fetches.get(1).complete(Buffer.buffer("{\"keys\": 5}"));
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(second));
  }

  @Test
  void anExpiredSetIsFetchedAgainAndNotUsedIfThatFails() {
    keys.refresh();
    answer(RSA_A);
    now += 10 * 60_000;
    Future<PublicKey> stale = keys.key("a", JwsAlgorithm.RS256);
    assertEquals(2, fetches.size(), "an expired set is fetched again");
    fetches.get(1).fail("down");
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(stale));
    now += 30_000;
    Future<PublicKey> back = keys.key("a", JwsAlgorithm.RS256);
    answer(EC_B);
    // The provider dropped key a: it no longer works.
    assertEquals(ErrorCode.TOKEN_INVALID, refusal(back));
  }

  @Test
  void aFetchThatAnswersAtOnceLeavesNothingInFlight() {
    JwksKeys instant =
        new JwksKeys(
            () -> {
              fetches.add(null);
              return Future.succeededFuture(Buffer.buffer(TestKeys.jwks(RSA_A).encode()));
            },
            () -> now,
            Duration.ofMinutes(10),
            Duration.ofSeconds(30));
    key(instant.key("a", JwsAlgorithm.RS256));
    now += 31_000;
    assertEquals(ErrorCode.TOKEN_INVALID, refusal(instant.key("c", JwsAlgorithm.RS256)));
    assertEquals(2, fetches.size());
  }

  @Test
  void aFetchThatThrowsIsAFailedFetch() {
    JwksKeys throwing =
        new JwksKeys(
            () -> {
              throw new IllegalStateException("no client");
            },
            () -> now,
            Duration.ofMinutes(10),
            Duration.ofSeconds(30));
    assertEquals(ErrorCode.AUTH_UNAVAILABLE, refusal(throwing.key("a", JwsAlgorithm.RS256)));
  }

  @Test
  void theSameKeyObjectIsReturnedFromTheCache() {
    keys.refresh();
    answer(RSA_A);
    assertSame(key(keys.key("a", JwsAlgorithm.RS256)), key(keys.key("a", JwsAlgorithm.RS256)));
  }
}
