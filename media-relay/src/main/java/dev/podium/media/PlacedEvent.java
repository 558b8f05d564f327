package dev.podium.media;

import dev.podium.api.media.AudioChunkHeaders;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * An {@link OwnedEvent} on its lane ({@link MixLanes}): the relay's verticle holds this, and every
 * call is handed to the lane's event loop, where the event is made, fed and stopped, in the order
 * the calls came.
 */
final class PlacedEvent {
  private final Context lane;

  /** Touched on the lane only. */
  private OwnedEvent event;

  private PlacedEvent(Context lane) {
    this.lane = lane;
  }

  static PlacedEvent start(Context lane, Vertx vertx, String eventId, MediaConfig config) {
    PlacedEvent placed = new PlacedEvent(lane);
    lane.runOnContext(v -> placed.event = new OwnedEvent(vertx, eventId, config));
    return placed;
  }

  void onChunk(AudioChunkHeaders chunk, Buffer body) {
    lane.runOnContext(
        v -> {
          if (event != null) {
            event.onChunk(chunk, body);
          }
        });
  }

  void stop() {
    lane.runOnContext(
        v -> {
          if (event != null) {
            event.stop();
            event = null;
          }
        });
  }
}
