package dev.podium.api.presence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One gateway node's answer to a {@link ResyncRequest}: some of its open sessions of the event,
 * sent to the request's {@code reply_to}, one batch in flight; the last has {@code done} (a node
 * with no such session sends just that one, empty). The one place the body {@code {event_id,
 * node_id, participants: [{...participant, joining?}], done}} is written and read.
 *
 * @param sessions at most {@link #MAX_SESSIONS}
 */
public record ResyncBatch(String eventId, String nodeId, List<Carried> sessions, boolean done) {
  /**
   * The most sessions one batch may carry; presence refuses a larger one (and the gateway stops).
   */
  public static final int MAX_SESSIONS = 500;

  /**
   * One open session a node carries; {@code joining} while presence has not answered its join yet
   * (presence then neither adds it, its own join does, nor drops it).
   */
  public record Carried(Participant participant, boolean joining) {}

  public ResyncBatch {
    if (eventId == null || eventId.isEmpty() || nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("a resync batch names its event and its gateway node");
    }
    if (sessions.size() > MAX_SESSIONS) {
      throw new IllegalArgumentException(
          "a resync batch carries at most " + MAX_SESSIONS + " sessions, not " + sessions.size());
    }
    sessions = List.copyOf(sessions);
  }

  public JsonObject toJson() {
    JsonArray participants = new JsonArray();
    for (Carried c : sessions) {
      JsonObject json = c.participant().toJson();
      participants.add(c.joining() ? json.put("joining", true) : json);
    }
    return new JsonObject()
        .put("event_id", eventId)
        .put("node_id", nodeId)
        .put("participants", participants)
        .put("done", done);
  }

  /**
   * Reads a body back.
   *
   * @throws IllegalArgumentException naming what is wrong: not an object, no {@code event_id},
   *     {@code node_id} or {@code participants} array, more than {@link #MAX_SESSIONS} of them, an
   *     entry that is not a participant object, a field of the wrong kind
   */
  public static ResyncBatch fromJson(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException(
          "a resync batch is a JSON object, not "
              + (body == null ? "null" : body.getClass().getSimpleName()));
    }
    if (!(json.getValue("event_id") instanceof String eventId)
        || !(json.getValue("node_id") instanceof String nodeId)
        || !(json.getValue("participants") instanceof JsonArray participants)) {
      throw new IllegalArgumentException(
          "a resync batch needs event_id, node_id and a participants array");
    }
    if (participants.size() > MAX_SESSIONS) {
      throw new IllegalArgumentException(
          "a resync batch carries at most "
              + MAX_SESSIONS
              + " sessions, not "
              + participants.size());
    }
    Object done = json.getValue("done");
    if (done != null && !(done instanceof Boolean)) {
      throw new IllegalArgumentException("a resync batch's done is true or false");
    }
    List<Carried> sessions = new ArrayList<>(participants.size());
    for (Object entry : participants) {
      if (!(entry instanceof JsonObject p)) {
        throw new IllegalArgumentException("a resync batch's participants are objects");
      }
      try {
        sessions.add(new Carried(new Participant(p), p.getBoolean("joining", false)));
      } catch (ClassCastException wrongKind) {
        throw new IllegalArgumentException(
            "a resync batch's participant has a field of the wrong kind: " + p);
      }
    }
    return new ResyncBatch(eventId, nodeId, sessions, Boolean.TRUE.equals(done));
  }
}
