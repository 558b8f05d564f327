package dev.podium.chat;

import dev.podium.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives an event's accepted messages their ids and hands them on in id order, however slow the
 * cluster answers. Ids follow the order messages arrived in. One numbering call is in flight per
 * event, and it numbers every message that waited meanwhile at once: a busy room costs one cluster
 * call per batch, not per message, so when the cluster slows down the batches grow instead of a
 * queue of one call per message (which, on a saturated machine, ran past the proxy's 3 s timeout).
 * Each message is then stored at once, the writes overlapping, and handed on only after the one
 * numbered before it, so a room hears its messages in id order and a message anyone saw is stored.
 *
 * <p>Runs on the chat-service's event loop; its state is touched from there only.
 */
final class ChatSequencer {
  /** A message waiting for its rate check and its id; {@code done} completes with what was sent. */
  private record Waiting(Future<JsonObject> accepted, Promise<JsonObject> done) {}

  private static final class EventLine {
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    boolean numbering;
    Future<?> lastHandedOn = Future.succeededFuture();
  }

  private final HistoryStore history;

  /** What happens to a stored message, in id order per event. */
  interface HandOn {
    /** Returns what the sender is answered with. */
    JsonObject apply(String eventId, long id, JsonObject entry);
  }

  private final HandOn handOn;
  private final Map<String, EventLine> lines = new HashMap<>();

  ChatSequencer(HistoryStore history, HandOn handOn) {
    this.history = history;
    this.handOn = handOn;
  }

  /** Numbers, stores and hands on the message once {@code accepted} succeeds. */
  Future<JsonObject> submit(String eventId, Future<JsonObject> accepted) {
    Promise<JsonObject> done = Promise.promise();
    lines.computeIfAbsent(eventId, e -> new EventLine()).waiting.add(new Waiting(accepted, done));
    pump(eventId);
    return done.future();
  }

  private void pump(String eventId) {
    EventLine line = lines.get(eventId);
    if (line == null || line.numbering) {
      return;
    }
    // The messages at the head whose rate check answered, in arrival order; refused ones leave.
    List<Waiting> batch = new ArrayList<>();
    while (!line.waiting.isEmpty() && line.waiting.peek().accepted().isComplete()) {
      Waiting next = line.waiting.poll();
      if (next.accepted().failed()) {
        next.done().fail(next.accepted().cause());
      } else {
        batch.add(next);
      }
    }
    if (batch.isEmpty()) {
      if (line.waiting.isEmpty()) {
        // Dropped once its last message is handed on and nothing came meanwhile, so a quiet or
        // ended event leaves nothing behind (and a new message still follows the previous one).
        Future<?> last = line.lastHandedOn;
        last.onComplete(
            ar -> {
              if (line.waiting.isEmpty() && !line.numbering && line.lastHandedOn == last) {
                lines.remove(eventId, line);
              }
            });
      } else {
        line.waiting.peek().accepted().onComplete(ar -> pump(eventId));
      }
      return;
    }
    line.numbering = true;
    history
        .nextIds(eventId, batch.size())
        .onComplete(
            first -> {
              line.numbering = false;
              for (int i = 0; i < batch.size(); i++) {
                Waiting w = batch.get(i);
                if (first.failed()) {
                  w.done().fail(unavailable(first.cause()));
                  continue;
                }
                long id = first.result() + i;
                JsonObject entry = w.accepted().result();
                // A write the cluster could not confirm (a partition, a backup that never
                // acknowledged) is not broadcast, and its sender hears so.
                Future<Long> stored =
                    history
                        .store(eventId, id, entry)
                        .map(id)
                        .recover(e -> Future.failedFuture(unavailable(e)));
                Future<JsonObject> handedOn =
                    line.lastHandedOn
                        .transform(ignored -> stored)
                        .map(n -> handOn.apply(eventId, n, entry));
                line.lastHandedOn = handedOn;
                handedOn.onComplete(w.done());
              }
              pump(eventId);
            });
  }

  /** A cluster failure as the sender should hear it: try again. */
  private static Throwable unavailable(Throwable cause) {
    return cause instanceof io.vertx.serviceproxy.ServiceException
        ? cause
        : ErrorCode.SERVICE_UNAVAILABLE.exception(
            "The message could not be stored right now; send it again");
  }
}
