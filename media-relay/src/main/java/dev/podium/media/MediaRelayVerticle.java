package dev.podium.media;

import dev.podium.api.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * The media relay's place in the cluster. It answers {@code podium.media.status} so that
 * operators and tests can see it joined; the audio ingest, mixer and fan-out arrive with the
 * media issue.
 */
public final class MediaRelayVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.MEDIA_STATUS,
        msg -> msg.reply(new JsonObject().put("service", "media-relay").put("status", "up"))).completion();
  }
}
