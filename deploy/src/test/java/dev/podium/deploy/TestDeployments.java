package dev.podium.deploy;

import dev.podium.chat.ChatConfig;
import dev.podium.chat.ChatServiceVerticle;
import dev.podium.gateway.GatewayConfig;
import dev.podium.history.HistoryConfig;
import dev.podium.history.HistoryServiceVerticle;
import dev.podium.media.MediaConfig;
import dev.podium.media.MediaRelayVerticle;
import dev.podium.presence.PresenceConfig;
import dev.podium.presence.PresenceServiceVerticle;
import dev.podium.room.RoomConfig;
import dev.podium.room.RoomServiceVerticle;
import dev.podium.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The tests' deployments on one Vert.x node: the all-in-one as users start it, or parts of it, so a
 * test can put a gateway, the services or a media relay on different clustered nodes. A bad setting
 * fails the returned future.
 */
final class TestDeployments {
  private TestDeployments() {}

  /** Everything, exactly as {@link AllInOneMain} deploys it. */
  static Future<PodiumNode.Started> all(Vertx vertx, Settings settings) {
    try {
      return PodiumNode.allInOne(settings).apply(vertx);
    } catch (Settings.InvalidSettingException e) {
      return Future.failedFuture(e);
    }
  }

  /** Room, chat and presence services and a gateway, but no media relay (it runs elsewhere). */
  static Future<PodiumNode.Started> withoutMedia(Vertx vertx, Settings settings) {
    try {
      RoomConfig room = RoomConfig.from(settings);
      ChatConfig chat = ChatConfig.from(settings);
      PresenceConfig presence = PresenceConfig.from(settings);
      GatewayConfig gateway = GatewayConfig.from(settings);
      return vertx
          .deployVerticle(new RoomServiceVerticle(room))
          .compose(id -> vertx.deployVerticle(new ChatServiceVerticle(chat)))
          .compose(id -> vertx.deployVerticle(new PresenceServiceVerticle(presence)))
          .compose(id -> PodiumNode.deployGateway(vertx, gateway));
    } catch (Settings.InvalidSettingException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Everything but a recorder (recorders run in processes of their own): history, room, chat,
   * presence, a media relay and a gateway.
   */
  static Future<PodiumNode.Started> withoutRecorder(Vertx vertx, Settings settings) {
    try {
      HistoryConfig history = HistoryConfig.from(settings);
      RoomConfig room = RoomConfig.from(settings);
      ChatConfig chat = ChatConfig.from(settings);
      PresenceConfig presence = PresenceConfig.from(settings);
      MediaConfig media = MediaConfig.from(settings);
      GatewayConfig gateway = GatewayConfig.from(settings);
      return vertx
          .deployVerticle(new HistoryServiceVerticle(history))
          .compose(id -> vertx.deployVerticle(new RoomServiceVerticle(room)))
          .compose(id -> vertx.deployVerticle(new ChatServiceVerticle(chat)))
          .compose(id -> vertx.deployVerticle(new PresenceServiceVerticle(presence)))
          .compose(id -> vertx.deployVerticle(new MediaRelayVerticle(media)))
          .compose(id -> PodiumNode.deployGateway(vertx, gateway));
    } catch (Settings.InvalidSettingException e) {
      return Future.failedFuture(e);
    }
  }

  /** A media relay only. */
  static Future<MediaRelayVerticle> mediaRelay(Vertx vertx, Settings settings) {
    try {
      MediaRelayVerticle relay = new MediaRelayVerticle(MediaConfig.from(settings));
      return vertx.deployVerticle(relay).map(id -> relay);
    } catch (Settings.InvalidSettingException e) {
      return Future.failedFuture(e);
    }
  }

  /** A gateway only; the services are elsewhere in the cluster. */
  static Future<PodiumNode.Started> gateway(Vertx vertx, Settings settings) {
    try {
      return PodiumNode.deployGateway(vertx, GatewayConfig.from(settings));
    } catch (Settings.InvalidSettingException e) {
      return Future.failedFuture(e);
    }
  }
}
