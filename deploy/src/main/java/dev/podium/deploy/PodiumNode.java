package dev.podium.deploy;

import dev.podium.chat.ChatConfig;
import dev.podium.chat.ChatServiceVerticle;
import dev.podium.gateway.GatewayConfig;
import dev.podium.gateway.GatewayVerticle;
import dev.podium.history.HistoryConfig;
import dev.podium.history.HistoryServiceVerticle;
import dev.podium.media.MediaConfig;
import dev.podium.media.MediaRelayVerticle;
import dev.podium.presence.PresenceConfig;
import dev.podium.presence.PresenceServiceVerticle;
import dev.podium.recorder.RecorderConfig;
import dev.podium.recorder.RecorderVerticle;
import dev.podium.room.RoomConfig;
import dev.podium.room.RoomServiceVerticle;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Deploys every Podium verticle on one Vert.x instance (the all-in-one). Configuration is read when
 * the plan is made, before anything deploys, so a bad setting fails fast. (The tests' partial
 * deployments, a gateway or a relay alone, are in the tests' {@code TestDeployments}.)
 */
public final class PodiumNode {
  private PodiumNode() {}

  /** What a deployment started: the gateway's port and node id. */
  public record Started(int httpPort, String gatewayNodeId) {}

  /**
   * History (on the embedded PostgreSQL unless {@code PODIUM_DB_URL} is set), room, chat, presence,
   * media relay and a gateway; throws InvalidSettingException on a bad setting.
   */
  public static Function<Vertx, Future<Started>> allInOne(Settings settings) {
    HistoryConfig history = HistoryConfig.from(settings);
    RoomConfig room = RoomConfig.from(settings);
    ChatConfig chat = ChatConfig.from(settings);
    PresenceConfig presence = PresenceConfig.from(settings);
    GatewayConfig gateway = GatewayConfig.from(settings);
    MediaConfig media = MediaConfig.from(settings);
    RecorderConfig recorder = RecorderConfig.from(settings);
    // History first: it records the lifecycle notices of everything after it.
    return vertx ->
        vertx
            .deployVerticle(new HistoryServiceVerticle(history))
            .compose(id -> vertx.deployVerticle(new RoomServiceVerticle(room)))
            .compose(id -> vertx.deployVerticle(new ChatServiceVerticle(chat)))
            .compose(id -> vertx.deployVerticle(new PresenceServiceVerticle(presence)))
            .compose(id -> vertx.deployVerticle(new MediaRelayVerticle(media)))
            .compose(id -> vertx.deployVerticle(new RecorderVerticle(recorder)))
            .compose(id -> deployGateway(vertx, gateway));
  }

  /** A gateway; the all-in-one's last step, and the tests' gateway-only node. */
  static Future<Started> deployGateway(Vertx vertx, GatewayConfig config) {
    GatewayVerticle gateway = new GatewayVerticle(config);
    return vertx
        .deployVerticle(gateway)
        .map(id -> new Started(gateway.actualPort(), gateway.nodeId()));
  }
}
