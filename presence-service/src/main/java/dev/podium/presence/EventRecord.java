package dev.podium.presence;

import dev.podium.api.presence.Participant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster copy of one event's presence, the data of its fenced record in {@code
 * podium.presence.events}: what the active-streams list shows of the event (when known) and its
 * participants in join order. A participant is a compact array ({@code [user_id, username, role,
 * verified, node_id, session_id]}, about 110 bytes with UUID node and session ids) because the
 * record is rewritten as a whole.
 */
final class EventRecord {
  private EventRecord() {}

  static JsonObject encode(JsonObject stream, List<Participant> members) {
    JsonArray list = new JsonArray(new ArrayList<>(members.size()));
    for (Participant p : members) {
      list.add(
          new JsonArray()
              .add(p.userId())
              .add(p.username())
              .add(p.role())
              .add(p.verified())
              .add(p.nodeId())
              .add(p.sessionId()));
    }
    JsonObject data = new JsonObject().put("members", list);
    return stream == null ? data : data.put("stream", stream);
  }

  /** The stream as the list shows it, or null when this copy does not know it yet. */
  static JsonObject stream(JsonObject data) {
    return data.getJsonObject("stream");
  }

  /** The participants, in join order. */
  static List<Participant> members(JsonObject data) {
    JsonArray list = data.getJsonArray("members", new JsonArray());
    List<Participant> members = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonArray p = list.getJsonArray(i);
      members.add(
          new Participant(
              p.getString(0),
              p.getString(1),
              p.getString(2),
              p.getBoolean(3),
              p.getString(4),
              p.getString(5)));
    }
    return members;
  }
}
