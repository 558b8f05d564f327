package dev.podium.chat;

import dev.podium.api.Addresses;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.chat.ChatService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.time.Clock;

/** Binds the chat-service proxy and drops an event's chat when the event ends. */
public final class ChatServiceVerticle extends VerticleBase {
  private final ChatConfig config;

  public ChatServiceVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    ChatRooms rooms = new ChatRooms(config, Clock.systemUTC());
    // Clustered: history in the cluster, so it outlives this process; otherwise in memory.
    HistoryStore history = vertx.isClustered()
        ? new ClusterHistory(vertx, ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager())
            .getHazelcastInstance(), config.historySize())
        : new MemoryHistory(config.historySize());
    Future<Void> lifecycle = vertx.eventBus().<JsonObject>consumer(Addresses.ROOM_LIFECYCLE, msg -> {
      JsonObject notice = msg.body();
      if (LifecycleNotice.ENDED.equals(notice.getString("kind"))) {
        String eventId = notice.getJsonObject("event").getString("event_id");
        rooms.forget(eventId);
        history.forget(eventId);
      }
    }).completion();
    Future<Void> bound = new ServiceBinder(vertx).setAddress(Addresses.CHAT_SERVICE)
        .register(ChatService.class, new ChatServiceImpl(vertx, rooms, history))
        .completion();
    return Future.all(lifecycle, bound);
  }
}
