package dev.podium.room;

import dev.podium.api.ErrorCode;
import dev.podium.api.presence.PresenceService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells presence the roles the stage gives, after the stage change is stored and announced and off
 * its path: the caller's answer never waits for presence. Presence only lists roles (the gateways
 * learn them from the room messages' headers), so it may lag; it must not stay wrong. So:
 *
 * <ul>
 *   <li>each telling sends the role the stage gives the user when it is sent, not the one of the
 *       change, so a retry never brings back an older role;
 *   <li>one event's tellings go out one after the other;
 *   <li>a failed telling (presence moving to another instance, cut off) is retried with growing
 *       delays for about a minute;
 *   <li>the users not yet confirmed are written in the room's record ({@link #FIELD}), so the
 *       instance that takes the event in tells them again.
 * </ul>
 *
 * <p>Before this, a stage action waited for presence inside the event's turn: an owner whose
 * presence call hung for its 3 s timeout held every later action of the event past the callers' own
 * timeout, and an action the caller was told had failed was applied after all (the fault suite saw
 * a co-host removal answered {@code service_unavailable} that took effect).
 */
final class PresenceRoles {
  /** The field of the room's record listing the users presence may not have the role of yet. */
  static final String FIELD = "roles_due";

  /** Delays before the retries of a failed telling: about a minute in all. */
  private static final long[] RETRY_MS = {500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000};

  private static final Logger LOG = LoggerFactory.getLogger(PresenceRoles.class);

  /** Runs an action after a delay, unless the event ends or moves first. */
  interface Timers {
    void after(String eventId, long delayMillis, Runnable action);
  }

  private final PresenceService presence;

  /** The role the stage gives a user now, or null when this instance does not hold the event. */
  private final BiFunction<String, String, String> currentRole;

  private final Timers timers;

  /** Per event, the users presence may lack the role of, with the tellings under way for each. */
  private final Map<String, Map<String, Integer>> due = new HashMap<>();

  private final Map<String, Future<Void>> lastTelling = new HashMap<>();

  PresenceRoles(
      PresenceService presence, BiFunction<String, String, String> currentRole, Timers timers) {
    this.presence = presence;
    this.currentRole = currentRole;
    this.timers = timers;
  }

  /** Tells presence the user's role, now or after the event's earlier tellings. */
  void tell(String eventId, String userId) {
    tell(eventId, userId, 0);
  }

  /** Tells again the users a previous owner's record lists as not confirmed. */
  void tellDue(String eventId, JsonObject record) {
    JsonArray listed = record == null ? null : record.getJsonArray(FIELD);
    if (listed != null) {
      for (Object userId : listed) {
        if (userId instanceof String id) {
          tell(eventId, id);
        }
      }
    }
  }

  /** Adds the users not yet confirmed to a record about to be written. */
  void writeDue(String eventId, JsonObject record) {
    Map<String, Integer> users = due.get(eventId);
    if (users != null && !users.isEmpty()) {
      record.put(FIELD, new JsonArray(new ArrayList<>(users.keySet())));
    }
  }

  /** The event ended or moved: its heir tells from the record. */
  void forget(String eventId) {
    due.remove(eventId);
    lastTelling.remove(eventId);
  }

  private void tell(String eventId, String userId, int attempt) {
    if (currentRole.apply(eventId, userId) == null) {
      return;
    }
    if (attempt == 0) {
      // A retry is still the same telling: counted once, until it succeeds or gives up.
      due.computeIfAbsent(eventId, k -> new LinkedHashMap<>()).merge(userId, 1, Integer::sum);
    }
    Future<Void> previous = lastTelling.getOrDefault(eventId, Future.succeededFuture());
    Future<Void> telling = previous.transform(ar -> send(eventId, userId, attempt));
    lastTelling.put(eventId, telling);
    telling.onComplete(
        ar -> {
          if (lastTelling.get(eventId) == telling) {
            lastTelling.remove(eventId);
          }
        });
  }

  private Future<Void> send(String eventId, String userId, int attempt) {
    String role = currentRole.apply(eventId, userId);
    if (role == null) {
      return Future.succeededFuture();
    }
    return presence
        .setRole(eventId, userId, role)
        .transform(
            ar -> {
              if (ar.succeeded() || ErrorCode.of(ar.cause()) == ErrorCode.NOT_IN_ROOM) {
                // Told, or gone: a user who left has no role to list.
                settled(eventId, userId);
              } else if (attempt < RETRY_MS.length) {
                timers.after(eventId, RETRY_MS[attempt], () -> tell(eventId, userId, attempt + 1));
              } else {
                settled(eventId, userId);
                LOG.atWarn()
                    .addKeyValue("event_id", eventId)
                    .addKeyValue("user_id", userId)
                    .log(
                        "presence not told of a role change after {} attempts: {}",
                        attempt + 1,
                        ar.cause().getMessage());
              }
              return Future.succeededFuture();
            });
  }

  private void settled(String eventId, String userId) {
    Map<String, Integer> users = due.get(eventId);
    if (users != null) {
      users.computeIfPresent(userId, (k, n) -> n > 1 ? n - 1 : null);
    }
  }
}
