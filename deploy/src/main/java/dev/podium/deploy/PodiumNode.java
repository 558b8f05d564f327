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
import dev.podium.runtime.LoopThreads;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys every Podium verticle on one Vert.x instance (the all-in-one). Configuration is read when
 * the plan is made, before anything deploys, so a bad setting fails fast. (The tests' partial
 * deployments, a gateway or a relay alone, are in the tests' {@code TestDeployments}.)
 */
public final class PodiumNode {
  private static final Logger LOG = LoggerFactory.getLogger(PodiumNode.class);

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
            .compose(id -> vertx.deployVerticle(new RecorderVerticle(recorder)))
            .compose(id -> deployGateway(vertx, gateway))
            .compose(
                started ->
                    deployRelayApartFromGateway(vertx, media, RELAY_PLACEMENTS)
                        .map(relay -> started));
  }

  /**
   * How many times the all-in-one deploys its media relay again to find it an event loop of its
   * own: Vert.x gives each deployment the next loop of its pool (twice the cores by default).
   */
  static final int RELAY_PLACEMENTS = 8;

  /**
   * Deploys the media relay on an event loop that no gateway loop uses, deploying it again while it
   * lands on one (at most {@code attempts} times, then it stays where it is, logged). On a shared
   * loop every tick of every room waited behind that loop's writes to its sockets: with 500
   * listeners over 250 rooms on 2 cores the relay's ticks ran 13.5 ms late on average (p99 112 ms),
   * frames waited 93 ms in their buffers and rooms dropped frames (docs/benchmarks.md, set BM).
   */
  static Future<MediaRelayVerticle> deployRelayApartFromGateway(
      Vertx vertx, MediaConfig media, int attempts) {
    MediaRelayVerticle relay = new MediaRelayVerticle(media);
    return vertx
        .deployVerticle(relay)
        .compose(
            id -> {
              Set<String> gatewayLoops = LoopThreads.of(vertx, LoopThreads.GATEWAY);
              if (!gatewayLoops.contains(relay.thread())) {
                LOG.info(
                    "media relay runs on {}, apart from the gateway's loops {}",
                    relay.thread(),
                    gatewayLoops);
                return Future.succeededFuture(relay);
              }
              if (attempts <= 1) {
                LOG.warn(
                    "media relay shares {} with a gateway loop: no other event loop was free",
                    relay.thread());
                return Future.succeededFuture(relay);
              }
              return vertx
                  .undeploy(id)
                  .compose(v -> deployRelayApartFromGateway(vertx, media, attempts - 1));
            });
  }

  /** A gateway; the all-in-one's last step, and the tests' gateway-only node. */
  static Future<Started> deployGateway(Vertx vertx, GatewayConfig config) {
    GatewayVerticle gateway = new GatewayVerticle(config);
    return vertx
        .deployVerticle(gateway)
        .map(id -> new Started(gateway.actualPort(), gateway.nodeId()));
  }
}
