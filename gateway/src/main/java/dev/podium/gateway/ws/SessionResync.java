package dev.podium.gateway.ws;

import dev.podium.api.Addresses;
import dev.podium.api.presence.ResyncBatch;
import dev.podium.api.presence.ResyncRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a presence-service instance that took an event over ({@link Addresses#PRESENCE_RESYNC}):
 * re-announces this node's sessions of the event, so joins and leaves its killed previous owner had
 * not written to the cluster copy yet are healed. A session whose join is still in flight is sent
 * as {@code joining}: presence neither adds it (its join does, announced) nor drops it. Such a join
 * may still be answered by the instance that had the event before the take-in, so the new owner's
 * copy lacks it and no later join adds it: once the joins in flight have settled ({@link
 * #JOIN_SETTLE_MS}, past the proxy's 3 s send timeout) the sessions reported as joining whose join
 * was answered are sent again in one more batch, within presence's resync window. The sessions go
 * in batches of {@value #BATCH}, the next one only once presence acknowledged the previous one, so
 * a large room costs a few small messages in sequence; the last batch says {@code done}. A node
 * with no session in the event still sends that one (empty) batch: presence then drops its members
 * that this node no longer carries.
 */
public final class SessionResync {
  private static final Logger LOG = LoggerFactory.getLogger(SessionResync.class);

  /** Sessions per batch. */
  static final int BATCH = 100;

  /**
   * Each batch is answered at once by a presence instance that is not overloaded. One that takes in
   * many events at once on a busy cluster may not answer in time: the batch is sent again (a batch
   * applied twice changes nothing), {@value #BATCH_ATTEMPTS} times in all, before the resync stops.
   * A refusal (the resync is closed or the event moved) stops it at once.
   */
  private static final long BATCH_TIMEOUT_MS = 3_000;

  static final int BATCH_ATTEMPTS = 3;

  /**
   * When the sessions reported as joining are looked at again: a join in flight is answered or
   * failed within the presence proxy's 3 s send timeout. Well inside presence's resync window (10
   * s).
   */
  static final long JOIN_SETTLE_MS = 3_500;

  private final Vertx vertx;
  private final String nodeId;
  private final Function<String, List<ResyncBatch.Carried>> present;
  private final long joinSettleMs;
  private final long batchTimeoutMs;

  /**
   * @param present this node's open sessions of an event, by event id
   */
  public SessionResync(
      Vertx vertx, String nodeId, Function<String, List<ResyncBatch.Carried>> present) {
    this(vertx, nodeId, present, JOIN_SETTLE_MS, BATCH_TIMEOUT_MS);
  }

  SessionResync(
      Vertx vertx,
      String nodeId,
      Function<String, List<ResyncBatch.Carried>> present,
      long joinSettleMs,
      long batchTimeoutMs) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.present = present;
    this.joinSettleMs = joinSettleMs;
    this.batchTimeoutMs = batchTimeoutMs;
  }

  /** Listens for resync requests; completes once the consumer is registered in the cluster. */
  public Future<Void> start() {
    MessageConsumer<Object> consumer =
        vertx
            .eventBus()
            .consumer(
                Addresses.PRESENCE_RESYNC,
                msg -> {
                  ResyncRequest request;
                  try {
                    request = ResyncRequest.fromJson(msg.body());
                  } catch (IllegalArgumentException unreadable) {
                    LOG.atDebug().log("resync request dropped: {}", unreadable.getMessage());
                    return;
                  }
                  reannounce(request.eventId(), request.replyTo());
                });
    return consumer.completion();
  }

  /**
   * Sends the event's sessions to {@code replyTo}, one batch in flight, then, if some were still
   * joining, those of them whose join has since been answered; completes after the last batch (the
   * second one included), so that a caller knows when nothing more will be sent.
   */
  Future<Void> reannounce(String eventId, String replyTo) {
    List<ResyncBatch.Carried> sessions = present.apply(eventId);
    Set<String> joining =
        sessions.stream()
            .filter(ResyncBatch.Carried::joining)
            .map(c -> c.participant().sessionId())
            .collect(Collectors.toSet());
    return send(eventId, replyTo, sessions, 0)
        .onFailure(
            e ->
                LOG.atInfo()
                    .addKeyValue("event_id", eventId)
                    .log("sessions not re-announced to presence: {}", e.getMessage()))
        .compose(
            v ->
                joining.isEmpty()
                    ? Future.<Void>succeededFuture()
                    : afterJoinsSettle().compose(t -> resendSettled(eventId, replyTo, joining)));
  }

  private Future<Void> afterJoinsSettle() {
    Promise<Void> settled = Promise.promise();
    vertx.setTimer(joinSettleMs, t -> settled.complete());
    return settled.future();
  }

  /** Sends again the sessions reported as joining whose join has since been answered. */
  private Future<Void> resendSettled(String eventId, String replyTo, Set<String> joining) {
    List<ResyncBatch.Carried> settled =
        present.apply(eventId).stream()
            .filter(c -> !c.joining() && joining.contains(c.participant().sessionId()))
            .toList();
    if (settled.isEmpty()) {
      return Future.succeededFuture();
    }
    return send(eventId, replyTo, settled, 0)
        .onFailure(
            e ->
                LOG.atInfo()
                    .addKeyValue("event_id", eventId)
                    .log("settled joins not re-announced to presence: {}", e.getMessage()));
  }

  private Future<Void> send(
      String eventId, String replyTo, List<ResyncBatch.Carried> sessions, int from) {
    int to = Math.min(sessions.size(), from + BATCH);
    boolean done = to == sessions.size();
    ResyncBatch batch = new ResyncBatch(eventId, nodeId, sessions.subList(from, to), done);
    return request(replyTo, batch, 1)
        .compose(v -> done ? Future.<Void>succeededFuture() : send(eventId, replyTo, sessions, to));
  }

  private Future<Void> request(String replyTo, ResyncBatch batch, int attempt) {
    return vertx
        .eventBus()
        .request(replyTo, batch.toJson(), new DeliveryOptions().setSendTimeout(batchTimeoutMs))
        .<Void>mapEmpty()
        .recover(
            e ->
                attempt < BATCH_ATTEMPTS && unanswered(e)
                    ? request(replyTo, batch, attempt + 1)
                    : Future.failedFuture(e));
  }

  /** No answer, or no consumer yet: worth sending again; a refusal is not. */
  private static boolean unanswered(Throwable e) {
    return e instanceof ReplyException r
        && (r.failureType() == ReplyFailure.TIMEOUT || r.failureType() == ReplyFailure.NO_HANDLERS);
  }
}
