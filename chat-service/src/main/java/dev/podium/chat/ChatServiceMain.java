package dev.podium.chat;

import dev.podium.runtime.ServiceLauncher;

/**
 * {@code java -jar chat-service/target/podium-chat-service.jar}: joins the cluster and runs the
 * chat-service only.
 */
public final class ChatServiceMain {
  private ChatServiceMain() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "chat-service",
        settings -> {
          ChatConfig config = ChatConfig.from(settings);
          return vertx -> vertx.deployVerticle(new ChatServiceVerticle(config));
        });
  }
}
