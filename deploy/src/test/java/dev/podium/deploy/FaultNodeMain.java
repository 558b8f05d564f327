package dev.podium.deploy;

import dev.podium.chat.ChatConfig;
import dev.podium.chat.ChatServiceVerticle;
import dev.podium.gateway.GatewayConfig;
import dev.podium.gateway.GatewayMain;
import dev.podium.media.MediaConfig;
import dev.podium.media.MediaRelayVerticle;
import dev.podium.presence.PresenceConfig;
import dev.podium.presence.PresenceServiceVerticle;
import dev.podium.room.RoomConfig;
import dev.podium.room.RoomServiceVerticle;
import dev.podium.runtime.ServiceLauncher;

/**
 * One host of the network-fault tests: an instance of each live service (room, chat, presence, a
 * media relay) and a gateway in one JVM, so that three JVMs on two cores make a cluster with every
 * service on both sides of any split. No history-service: the database's record is not what these
 * tests check, and three embedded PostgreSQLs would cost the machine more than the faults do.
 */
public final class FaultNodeMain {
  static final String READY = "fault node started";

  private FaultNodeMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "fault node",
        settings -> {
          RoomConfig room = RoomConfig.from(settings);
          ChatConfig chat = ChatConfig.from(settings);
          PresenceConfig presence = PresenceConfig.from(settings);
          MediaConfig media = MediaConfig.from(settings);
          GatewayConfig gateway = GatewayConfig.from(settings);
          ServiceLauncher.Deployment deployment =
              vertx ->
                  vertx
                      .deployVerticle(new RoomServiceVerticle(room))
                      .compose(id -> vertx.deployVerticle(new ChatServiceVerticle(chat)))
                      .compose(id -> vertx.deployVerticle(new PresenceServiceVerticle(presence)))
                      .compose(id -> vertx.deployVerticle(new MediaRelayVerticle(media)))
                      .compose(id -> PodiumNode.deployGateway(vertx, gateway));
          return deployment.needing(GatewayMain.NEEDS);
        });
  }
}
