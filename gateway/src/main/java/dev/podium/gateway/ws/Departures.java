package dev.podium.gateway.ws;

import dev.podium.api.presence.PresenceService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the presence-service that a socket left the event. A leave that fails (the active
 * presence-service died and a standby is taking over) is tried again with backoff for about ten
 * seconds, so the user does not stay in the list; a leave is keyed by the session, so a repeat
 * never removes anyone else.
 */
final class Departures {
  private static final Logger LOG = LoggerFactory.getLogger(Departures.class);
  private static final int ATTEMPTS = 7;
  private static final long FIRST_RETRY_MS = 250;
  private static final long MAX_RETRY_MS = 2_000;

  private final Vertx vertx;
  private final PresenceService presence;

  Departures(Vertx vertx, PresenceService presence) {
    this.vertx = vertx;
    this.presence = presence;
  }

  /** The first attempt's outcome; when it fails, the retries go on in the background. */
  Future<Void> leave(String eventId, String userId, String sessionId) {
    Future<Void> first = presence.leave(eventId, userId, sessionId);
    first.onFailure(e -> retry(eventId, userId, sessionId, 2, FIRST_RETRY_MS));
    return first;
  }

  private void retry(
      String eventId, String userId, String sessionId, int attempt, long delayMillis) {
    vertx.setTimer(
        delayMillis,
        id ->
            presence
                .leave(eventId, userId, sessionId)
                .onFailure(
                    e -> {
                      if (attempt >= ATTEMPTS) {
                        LOG.atWarn()
                            .addKeyValue("event_id", eventId)
                            .addKeyValue("user_id", userId)
                            .log(
                                "presence not told of a departure after {} attempts: {}",
                                attempt,
                                e.getMessage());
                      } else {
                        retry(
                            eventId,
                            userId,
                            sessionId,
                            attempt + 1,
                            Math.min(MAX_RETRY_MS, delayMillis * 2));
                      }
                    }));
  }
}
