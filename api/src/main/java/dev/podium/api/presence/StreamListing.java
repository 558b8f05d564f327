package dev.podium.api.presence;

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
 * The {@code active_streams} message as clients see it, from the list's entries ({@code event_id,
 * host, started_at, mode, participant_count}): in start order, the earliest first. The
 * presence-service builds it from the cluster's copy and every gateway from the parts the
 * presence-service instances publish, so both order it here.
 */
public final class StreamListing {
  /**
   * How often each presence-service instance announces its whole part of the list ({@code
   * Addresses.ACTIVE_STREAMS_PARTS}); changes go out in between.
   */
  public static final long FULL_PART_EVERY_MS = 5_000;

  private static final Comparator<JsonObject> START_ORDER =
      Comparator.comparing((JsonObject s) -> startedAt(s.getString("started_at")))
          .thenComparing(s -> s.getString("event_id", ""));

  private StreamListing() {}

  /** The {@code active_streams} message of these entries, in start order. */
  public static JsonObject message(Collection<JsonObject> entries) {
    List<JsonObject> ordered = new ArrayList<>(entries);
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
