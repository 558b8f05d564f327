package dev.podium.gateway.auth;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Asks the operator's user directory ({@code GET {url}/{userId}}) whether a host exists: 200 gives
 * the username, 404 refuses with {@code user_not_found}, anything else (or no answer) refuses with
 * {@code auth_unavailable}. Definite answers (200 and 404) are cached for the TTL.
 *
 * <p>One per gateway JVM, shared by all its event loops, so the directory hears about a user once
 * per TTL whichever loop the user's sockets land on: the cache and the lookups in flight (one per
 * user; a second caller joins it) are guarded by this object's lock, never held across I/O, and
 * every answer is handed back to the caller's own context ({@link CallersContext}).
 */
public final class UserDirectory {
  private static final int MAX_CACHED = 10_000;
  private static final int TIMEOUT_MS = 3_000;

  private final HttpClient client;
  private final String baseUrl;
  private final long ttlMillis;
  private final Map<String, Cached> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
          return size() > MAX_CACHED;
        }
      };
  private final Map<String, Future<Cached>> asking = new HashMap<>();

  /**
   * A definite answer: whether the user exists, and the username the directory lists (may be null).
   */
  private record Cached(boolean found, String listedName, long expiresAt) {}

  public UserDirectory(Vertx vertx, String baseUrl, Duration ttl) {
    this.client = vertx.createHttpClient();
    this.baseUrl = baseUrl;
    this.ttlMillis = ttl.toMillis();
  }

  /** The identity with the directory's username, or a failed {@link AuthFailure}. */
  public Future<Identity> confirm(Identity identity) {
    String userId = identity.userId();
    Future<Cached> lookup;
    synchronized (this) {
      Cached cached = cache.get(userId);
      if (cached != null && cached.expiresAt() > System.currentTimeMillis()) {
        return answer(identity, cached);
      }
      lookup = asking.get(userId);
      if (lookup == null) {
        lookup = ask(userId);
        if (!lookup.isComplete()) {
          asking.put(userId, lookup);
        }
      }
    }
    return CallersContext.of(lookup.compose(answer -> answer(identity, answer)));
  }

  /**
   * One GET; its definite answer is cached when it arrives (under the lock, wherever it arrives).
   */
  private Future<Cached> ask(String userId) {
    // One path segment: URLEncoder is form encoding, so its '+' for a space becomes %20.
    String url =
        baseUrl + "/" + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20");
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url)
                .setTimeout(TIMEOUT_MS))
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.body()
                    .map(
                        body -> {
                          if (resp.statusCode() == 200) {
                            String listed = null;
                            try {
                              listed = new JsonObject(body).getString("username");
                            } catch (RuntimeException notJson) {
                              // A 200 without a JSON body still says the user exists.
                            }
                            return new Cached(
                                true,
                                listed == null || listed.isBlank() ? null : listed,
                                System.currentTimeMillis() + ttlMillis);
                          }
                          if (resp.statusCode() == 404) {
                            return new Cached(false, null, System.currentTimeMillis() + ttlMillis);
                          }
                          throw new IllegalStateException(
                              "directory answered HTTP " + resp.statusCode());
                        }))
        // Bounds the whole exchange, including a wait for a pooled connection.
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(
            e ->
                Future.failedFuture(
                    new AuthFailure(
                        ErrorCode.AUTH_UNAVAILABLE,
                        "The user directory is not available; try again shortly",
                        String.valueOf(e.getMessage()))))
        .andThen(
            ar -> {
              synchronized (this) {
                asking.remove(userId);
                if (ar.succeeded()) {
                  cache.put(userId, ar.result());
                }
              }
            });
  }

  private static Future<Identity> answer(Identity identity, Cached cached) {
    if (!cached.found()) {
      return Future.failedFuture(
          new AuthFailure(
              ErrorCode.USER_NOT_FOUND,
              "No such user",
              "the user directory does not know user " + identity.userId()));
    }
    return Future.succeededFuture(
        cached.listedName() == null ? identity : identity.withUsername(cached.listedName()));
  }
}
