package dev.podium.presence;

import dev.podium.api.presence.StreamListing;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * The active-streams list's entries. Each event's owner keeps its entry in the cluster ({@code
 * podium.presence.streams}) and announces it in its part of the list ({@link StreamsPart}); any
 * instance builds the whole list from the cluster's entries.
 */
final class ActiveStreams {
  private ActiveStreams() {}

  /**
   * What the list shows of an event, from its public description ({@code event_id, host,
   * started_at, mode}).
   */
  static JsonObject stream(JsonObject event) {
    return new JsonObject()
        .put("event_id", event.getString("event_id"))
        .put("host", event.getJsonObject("host"))
        .put("started_at", event.getString("started_at"))
        .put("mode", event.getString("mode", "audio"));
  }

  /** One entry of the list: the stream and how many participants it has. */
  static JsonObject summary(JsonObject stream, int participants) {
    return stream.copy().put("participant_count", participants);
  }

  /** The {@code active_streams} message, in start order. */
  static JsonObject message(Collection<JsonObject> summaries) {
    return StreamListing.message(summaries);
  }
}
