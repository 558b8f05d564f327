package dev.podium.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The web client's {@code index.html} at {@code /} and {@code /index.html}, from memory with an
 * ETag of its content and {@code Cache-Control: no-cache}: a browser revalidates it on every visit,
 * so a new release (whose scripts the page names) reaches users at once instead of after a day of a
 * cached old page.
 */
public final class IndexPage implements Handler<RoutingContext> {
  private final Buffer body;
  private final String etag;

  private IndexPage(byte[] bytes) {
    this.body = Buffer.buffer(bytes);
    this.etag =
        "\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(bytes)).substring(0, 22)
            + "\"";
  }

  /** Loads the page from the class path ({@code webroot/index.html}). */
  public static IndexPage load(String resource) {
    try (InputStream in = IndexPage.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      return new IndexPage(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    var response = ctx.response().putHeader("Cache-Control", "no-cache").putHeader("ETag", etag);
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", "text/html;charset=UTF-8").end(body);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
