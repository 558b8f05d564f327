package dev.podium.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One GET of a JWKS document: 200 only (redirects are not followed), the whole exchange within the
 * timeout (a server that trickles bytes is cut off too), the body at most {@code maxBytes} (checked
 * while it arrives, not after). Over https the server's certificate and host name are verified
 * against the JVM's trust store.
 */
final class JwksClient {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JwksClient.class);

  private final HttpClient client;
  private final String url;
  private final long timeoutMillis;
  private final int maxBytes;

  JwksClient(Vertx vertx, String url, long timeoutMillis, int maxBytes) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true));
    this.url = url;
    this.timeoutMillis = timeoutMillis;
    this.maxBytes = maxBytes;
    String host = java.net.URI.create(url).getHost();
    if (url.regionMatches(true, 0, "http:", 0, 5)
        && !("localhost".equalsIgnoreCase(host)
            || host.startsWith("127.")
            || "[::1]".equals(host))) {
      // Whoever can alter this answer can sign tokens for any user.
      LOG.warn(
          "PODIUM_JWKS_URL is plain http to {}: use https unless that network is your own", host);
    }
  }

  Future<Buffer> fetch() {
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url)
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis)
                .setFollowRedirects(false)
                .putHeader("Accept", "application/json"))
        .compose(
            req -> {
              sent.set(req);
              return req.send();
            })
        .compose(this::body)
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onFailure(
            e -> {
              // Frees the connection of a slow or oversized answer.
              HttpClientRequest req = sent.get();
              if (req != null) {
                req.reset();
              }
            });
  }

  private Future<Buffer> body(HttpClientResponse resp) {
    // Failures below reset the stream; that is expected, not worth an error in the log.
    resp.exceptionHandler(e -> {});
    if (resp.statusCode() != 200) {
      return Future.failedFuture("the JWKS URL answered HTTP " + resp.statusCode());
    }
    String length = resp.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBytes) {
          return Future.failedFuture(
              "the JWKS is "
                  + length.trim()
                  + " bytes, over "
                  + maxBytes
                  + " (PODIUM_JWKS_MAX_BYTES)");
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture("the JWKS answer has a bad Content-Length");
      }
    }
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    resp.handler(
        chunk -> {
          if (body.length() + chunk.length() > maxBytes) {
            done.tryFail("the JWKS is over " + maxBytes + " bytes (PODIUM_JWKS_MAX_BYTES)");
          } else if (!done.future().isComplete()) {
            body.appendBuffer(chunk);
          }
        });
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> done.tryComplete(body));
    return done.future();
  }
}
