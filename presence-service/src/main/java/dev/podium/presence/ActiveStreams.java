package dev.podium.presence;

import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The active-streams list as clients see it. Each event's owner keeps a summary of the event in the
 * cluster ({@code podium.presence.streams}); any instance builds the list from those summaries.
 */
final class ActiveStreams {
  private static final Comparator<JsonObject> START_ORDER =
      Comparator.comparing((JsonObject s) -> startedAt(s.getString("started_at")))
          .thenComparing(s -> s.getString("event_id", ""));

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
    List<JsonObject> ordered = new ArrayList<>(summaries);
    ordered.sort(START_ORDER);
    List<ServerMessage.StreamSummary> streams = new ArrayList<>(ordered.size());
    ordered.forEach(s -> streams.add(ProtocolCodec.part(s, ServerMessage.StreamSummary.class)));
    return ProtocolCodec.toJson(new ServerMessage.ActiveStreams(streams));
  }

  private static Instant startedAt(String text) {
    try {
      return text == null ? Instant.MAX : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }
}
