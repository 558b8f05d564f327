package dev.podium.room;

import dev.podium.api.RoomMessageRouting;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one stage change must tell others: its room messages (each with its delivery headers) and
 * the role it changed, for presence. It is written into the room's cluster record together with the
 * change, and written away once announced: an owner killed between the two leaves it there, and the
 * instance that takes the event in announces it (at least once) instead of losing it.
 *
 * @param roleUser with {@code role}: the user whose role the change set; null when none
 */
record Announcement(List<Publication> messages, String roleUser, String role) {
  /** The field of the room's record that holds it. */
  static final String FIELD = "unannounced";

  /** One room message and its delivery headers. */
  record Publication(JsonObject body, RoomMessageRouting routing) {}

  static Announcement of(Stage.Outcome outcome) {
    Map.Entry<String, String> roleChange =
        outcome.roleChanges().isEmpty() ? null : outcome.roleChanges().entrySet().iterator().next();
    List<Publication> messages = new ArrayList<>(outcome.effects().size());
    for (Stage.Effect effect : outcome.effects()) {
      RoomMessageRouting routing =
          RoomMessageRouting.ROOM
              .toUser(effect.toUser())
              .closingRecipients(effect.closeRecipients())
              .withMute(effect.mutedUser(), Boolean.TRUE.equals(effect.muted()))
              .withMode(effect.mode());
      if (roleChange != null) {
        routing = routing.withRole(roleChange.getKey(), roleChange.getValue());
      }
      messages.add(new Publication(effect.json(), routing));
    }
    return roleChange == null
        ? new Announcement(messages, null, null)
        : new Announcement(messages, roleChange.getKey(), roleChange.getValue());
  }

  JsonObject toJson() {
    JsonArray list = new JsonArray();
    for (Publication p : messages) {
      JsonObject headers = new JsonObject();
      MultiMap written = p.routing().toDeliveryOptions().getHeaders();
      if (written != null) { // none at all for a message to the whole room that changes nothing
        written.forEach(h -> headers.put(h.getKey(), h.getValue()));
      }
      list.add(new JsonObject().put("body", p.body()).put("headers", headers));
    }
    JsonObject json = new JsonObject().put("messages", list);
    if (roleUser != null) {
      json.put("role_user", roleUser).put("role", role);
    }
    return json;
  }

  /** The announcement a room record still carries, or null when it carries none. */
  static Announcement in(JsonObject record) {
    JsonObject json = record == null ? null : record.getJsonObject(FIELD);
    if (json == null) {
      return null;
    }
    List<Publication> messages = new ArrayList<>();
    for (Object o : json.getJsonArray("messages", new JsonArray())) {
      if (o instanceof JsonObject m && m.getJsonObject("body") != null) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        m.getJsonObject("headers", new JsonObject())
            .forEach(h -> headers.add(h.getKey(), String.valueOf(h.getValue())));
        messages.add(new Publication(m.getJsonObject("body"), RoomMessageRouting.from(headers)));
      }
    }
    return new Announcement(messages, json.getString("role_user"), json.getString("role"));
  }
}
