package dev.podium.chat;

import dev.podium.api.Addresses;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.chat.ChatService;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.sweep.EndedEventSweep;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import dev.podium.runtime.ClusterReach;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.time.Clock;
import java.util.stream.Collectors;

/** Binds the chat-service proxy and drops an event's chat when the event ends. */
public final class ChatServiceVerticle extends VerticleBase {
  /** How often ring buffers of ended events are looked for. */
  static final long SWEEP_MS = 10_000;
  private final ChatConfig config;

  public ChatServiceVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    ChatRooms rooms = new ChatRooms(config, Clock.systemUTC());
    // Clustered: history in the cluster, so it outlives this process; otherwise in memory.
    HistoryStore history;
    if (vertx.isClustered()) {
      ClusterHistory cluster = new ClusterHistory(vertx, ClusterReach.hazelcast(vertx).orElseThrow(), config.historySize());
      // Rings of events whose end this instance did not hear (it was down, or a message came late).
      RoomService roomService = RoomService.createProxy(vertx);
      EndedEventSweep sweep = new EndedEventSweep(cluster::eventsWithHistory,
          () -> roomService.liveEvents().map(events -> events.stream().map(LiveEvent::eventId).collect(Collectors.toSet())),
          eventId -> {
            cluster.forget(eventId);
            return Future.succeededFuture();
          });
      vertx.setPeriodic(SWEEP_MS, id -> sweep.run());
      history = cluster;
    } else {
      history = new MemoryHistory(config.historySize());
    }
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
