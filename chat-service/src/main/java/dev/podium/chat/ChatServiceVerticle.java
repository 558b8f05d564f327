package dev.podium.chat;

import com.hazelcast.core.HazelcastInstance;
import dev.podium.api.Addresses;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.chat.ChatService;
import dev.podium.api.history.HistoryService;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ClusterReach;
import dev.podium.runtime.rates.ClusterRateWindows;
import dev.podium.runtime.rooms.RoomRoutes;
import dev.podium.runtime.sweep.EndedEventSweep;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.time.Clock;
import java.util.stream.Collectors;

/** Binds the chat-service proxy and drops an event's chat when the event ends. */
public final class ChatServiceVerticle extends VerticleBase {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ChatServiceVerticle.class);

  /** How often ring buffers of ended events are looked for. */
  static final long SWEEP_MS = 10_000;

  /**
   * The cluster map of senders' rate windows (entries expire when idle: nothing to drop at an
   * event's end).
   */
  static final String RATE_WINDOWS = "podium.chat.rates";

  private final ChatConfig config;

  public ChatServiceVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    // Clustered: history and each sender's rate window in the cluster, so they outlive this
    // process and hold across every chat-service instance; otherwise in memory.
    ChatRooms rooms;
    HistoryStore history;
    if (vertx.isClustered()) {
      HazelcastInstance hazelcast = ClusterReach.hazelcast(vertx).orElseThrow();
      ChatRooms clusterRooms =
          new ChatRooms(
              config,
              Clock.systemUTC(),
              new ClusterRateWindows(vertx, hazelcast, RATE_WINDOWS, config.messagesPerSecond()));
      rooms = clusterRooms;
      // The record answers within 2 s or the numbering starts from the ring alone: an event's first
      // message waits for it once.
      ClusterHistory cluster =
          new ClusterHistory(
              vertx,
              hazelcast,
              config.historySize(),
              HistoryService.createProxyWithTimeout(vertx, 2000));
      // Rings of events whose end this instance did not hear (it was down, or a message came late).
      RoomService roomService = RoomService.createProxy(vertx);
      EndedEventSweep sweep =
          new EndedEventSweep(
              cluster::eventsWithHistory,
              () ->
                  roomService
                      .liveEvents()
                      .map(
                          events ->
                              events.stream().map(LiveEvent::eventId).collect(Collectors.toSet())),
              eventId -> {
                cluster.forget(eventId);
                return clusterRooms.forget(eventId);
              });
      vertx.setPeriodic(SWEEP_MS, id -> sweep.run());
      history = cluster;
    } else {
      rooms = new ChatRooms(config, Clock.systemUTC());
      history = new MemoryHistory(config.historySize());
    }
    ChatRooms chat = rooms;
    Future<Void> lifecycle =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.ROOM_LIFECYCLE,
                msg -> {
                  JsonObject notice = msg.body();
                  if (LifecycleNotice.STARTED.equals(notice.getString("kind"))) {
                    history.begin(notice.getJsonObject("event").getString("event_id"));
                  }
                  if (LifecycleNotice.ENDED.equals(notice.getString("kind"))) {
                    String eventId = notice.getJsonObject("event").getString("event_id");
                    history.forget(eventId);
                    chat.forget(eventId)
                        .onFailure(
                            e ->
                                LOG.warn(
                                    "rate windows of ended event {} not dropped: {}",
                                    eventId,
                                    e.getMessage()));
                  }
                })
            .completion();
    Future<Void> bound =
        new ServiceBinder(vertx)
            .setAddress(Addresses.CHAT_SERVICE)
            .register(ChatService.class, new ChatServiceImpl(vertx, rooms, history))
            .completion();
    return Future.all(lifecycle, bound, RoomRoutes.of(vertx).ready());
  }
}
