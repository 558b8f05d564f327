package dev.podium.gateway.http;

import dev.podium.api.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams one recording file to an HTTP response, read from the recorders in chunks over the event
 * bus ({@link Addresses#RECORDING_FILES}), honouring a single {@code Range: bytes=...} (what audio
 * elements send to seek) and the response's backpressure: one chunk in flight, the next asked for
 * only when the response can take it.
 */
final class RecordingDownload {
  /** Bytes asked of a recorder at once. */
  static final int CHUNK = 256 * 1024;

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** A byte range {@code [first, last]} of a file of {@code size} bytes. */
  record Span(long first, long last, long size, boolean partial) {
    long length() {
      return last - first + 1;
    }
  }

  private final Vertx vertx;

  RecordingDownload(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The file's size (a read of nothing); fails with 404 when there is no such file. */
  Future<Long> size(String file) {
    return read(file, 0, 0).map(reply -> Long.parseLong(reply.headers().get("size")));
  }

  /**
   * The span a {@code Range} header asks for: the whole file when there is none, or one that is
   * malformed or asks for several ranges (a server may ignore a range it does not serve); empty
   * when it cannot be satisfied (416).
   */
  static Optional<Span> span(String range, long size) {
    Span whole = new Span(0, size - 1, size, false);
    if (range == null || range.contains(",")) {
      return Optional.of(whole);
    }
    Matcher m = RANGE.matcher(range.strip());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return Optional.of(whole);
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0 || size == 0) {
          return Optional.empty();
        }
        return Optional.of(new Span(Math.max(0, size - suffix), size - 1, size, true));
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
      if (first >= size || last < first) {
        return Optional.empty();
      }
      return Optional.of(new Span(first, Math.min(last, size - 1), size, true));
    } catch (NumberFormatException tooLong) {
      return Optional.empty();
    }
  }

  /** Writes the span's bytes to the (already headed) response, then ends it. */
  void send(String file, Span span, HttpServerResponse response) {
    next(file, span.first(), span.last() + 1, response);
  }

  private void next(String file, long from, long end, HttpServerResponse response) {
    if (response.closed()) {
      return;
    }
    if (from >= end) {
      response.end();
      return;
    }
    int length = (int) Math.min(CHUNK, end - from);
    read(file, from, length)
        .onSuccess(
            reply -> {
              Buffer bytes = reply.body();
              if (bytes.length() == 0) {
                // The file is shorter than it said (it cannot be: recordings only grow).
                response.reset();
                return;
              }
              response.write(bytes);
              long after = from + bytes.length();
              if (response.writeQueueFull()) {
                response.drainHandler(v -> next(file, after, end, response));
              } else {
                next(file, after, end, response);
              }
            })
        .onFailure(e -> response.reset());
  }

  private Future<Message<Buffer>> read(String file, long offset, int length) {
    Promise<Message<Buffer>> reply = Promise.promise();
    vertx
        .eventBus()
        .<Buffer>request(
            Addresses.RECORDING_FILES,
            Buffer.buffer(),
            new DeliveryOptions()
                .setSendTimeout(5_000)
                .addHeader("file", file)
                .addHeader("offset", String.valueOf(offset))
                .addHeader("length", String.valueOf(length)))
        .onComplete(reply);
    return reply.future();
  }

  /** Whether a failed read means "no such file" (as opposed to no recorder answering). */
  static boolean notFound(Throwable e) {
    return e instanceof ReplyException re && re.failureCode() == 404;
  }
}
