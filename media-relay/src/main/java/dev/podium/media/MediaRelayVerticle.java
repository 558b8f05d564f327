package dev.podium.media;

import dev.podium.api.Addresses;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.media.AudioChunkHeaders;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomRoutes;
import dev.podium.runtime.sweep.EndedEventSweep;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One media-relay instance. Every live event's mixer runs on exactly one instance: the relays form
 * the {@link Addresses#MEDIA_RELAY_RING} ({@link ServiceOwnership}, from Hazelcast's membership, as
 * the room-service's instances do) and each mixes the live events the ring gives it. Gateways
 * observe the same ring and send a speaker's audio to the owner's input address. A relay that stops
 * leaves the ring at once; a killed one's events move when Hazelcast drops its member; the events
 * of the other relays stay where they are.
 */
public final class MediaRelayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MediaRelayVerticle.class);

  /** Cluster map: event id to the id of the relay that mixes it. */
  public static final String OWNERS_MAP = "podium.media.owners";

  private static final String SCREEN_INIT_MAP = Addresses.SCREEN_INIT_MAP;

  /** How often the relay looks for media records of events whose end it did not hear. */
  static final long SWEEP_MS = 10_000;

  private final MediaConfig config;
  private final Set<String> liveEvents = new HashSet<>();
  private final Map<String, OwnedEvent> owned = new HashMap<>();

  /** Events whose start this relay heard since the last rebalance (see {@link OwnedEvent}). */
  private final Set<String> justStarted = new HashSet<>();

  /**
   * Events whose stray audio was logged since the last rebalance (so once per event and change).
   */
  private final java.util.Set<String> notMixedLogged = new java.util.HashSet<>();

  private ServiceOwnership ownership;
  private String relayId;
  private MessageConsumer<Buffer> input;
  private volatile String thread;
  private Gauge ownedGauge;

  public MediaRelayVerticle(MediaConfig config) {
    this.config = config;
  }

  /** The event-loop thread that runs this relay's mixers (its clock). */
  public String thread() {
    return thread;
  }

  @Override
  public Future<?> start() {
    thread = Thread.currentThread().getName();
    ownership = new ServiceOwnership(vertx, Addresses.MEDIA_RELAY_RING, config.pauseLimit());
    relayId = ownership.instanceId();
    ownedGauge =
        Gauge.builder("podium_owned_events", owned, Map::size)
            .tag("service", Addresses.MEDIA_RELAY_RING)
            .description("Live events this instance owns")
            .register(Observability.registry(vertx));
    input =
        vertx
            .eventBus()
            .<Buffer>consumer(
                Addresses.mediaIn(relayId),
                msg -> {
                  AudioChunkHeaders chunk = AudioChunkHeaders.from(msg.headers());
                  OwnedEvent event = chunk.eventId() == null ? null : owned.get(chunk.eventId());
                  if (event != null) {
                    event.onChunk(chunk, msg.body());
                  } else if (chunk.eventId() != null && notMixedLogged.add(chunk.eventId())) {
                    // A gateway whose ring differs from this relay's: once per event, for the log.
                    LOG.atInfo()
                        .addKeyValue("event_id", chunk.eventId())
                        .addKeyValue("relay_id", relayId)
                        .log("audio arrives for an event this relay does not mix: dropped");
                  }
                });
    RoomService rooms = RoomService.createProxy(vertx);
    Future<Void> status =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.MEDIA_STATUS,
                msg ->
                    msg.reply(
                        new JsonObject()
                            .put("service", "media-relay")
                            .put("status", "up")
                            .put("relay_id", relayId)
                            .put("events", owned.size())))
            .completion();
    Future<Void> lifecycle =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.ROOM_LIFECYCLE,
                msg -> {
                  String eventId = msg.body().getJsonObject("event").getString("event_id");
                  if (LifecycleNotice.ENDED.equals(msg.body().getString("kind"))) {
                    liveEvents.remove(eventId);
                    // Every relay hears the notice and removes: idempotent, and done even if the
                    // owner is gone.
                    forgetMedia(eventId);
                  } else {
                    liveEvents.add(eventId);
                    if (LifecycleNotice.STARTED.equals(msg.body().getString("kind"))) {
                      justStarted.add(eventId);
                    }
                  }
                  rebalance();
                })
            .completion();
    // Lifecycle notices can be missed (a restart, a takeover): the room-service's list is the
    // truth.
    vertx.setPeriodic(
        0,
        2_000,
        id ->
            rooms
                .liveEvents()
                .onSuccess(
                    events -> {
                      liveEvents.clear();
                      events.stream().map(LiveEvent::eventId).forEach(liveEvents::add);
                      rebalance();
                    }));
    EndedEventSweep sweep =
        new EndedEventSweep(
            this::eventsWithMediaRecords,
            () ->
                rooms
                    .liveEvents()
                    .map(
                        events ->
                            events.stream().map(LiveEvent::eventId).collect(Collectors.toSet())),
            this::forgetMedia);
    vertx.setPeriodic(SWEEP_MS, id -> sweep.run());
    // The input address first: once this relay is in the ring, gateways send it audio at once.
    return Future.all(List.of(input.completion(), status, lifecycle, RoomRoutes.of(vertx).ready()))
        .compose(v -> ownership.start(ring -> rebalance()));
  }

  /** Starts mixing the live events the ring gives this relay and stops the others. */
  private void rebalance() {
    notMixedLogged.clear();
    for (String eventId : liveEvents) {
      boolean mine = ownership.owns(eventId);
      if (mine && !owned.containsKey(eventId)) {
        LOG.atInfo()
            .addKeyValue("event_id", eventId)
            .addKeyValue("relay_id", relayId)
            .log("mixing event");
        owned.put(eventId, new OwnedEvent(vertx, eventId, config, justStarted.contains(eventId)));
        // Recorded cluster-wide for operators (the input consumer's registration is the routing
        // record).
        vertx
            .sharedData()
            .<String, String>getAsyncMap(OWNERS_MAP)
            .compose(map -> map.put(eventId, relayId));
      } else if (!mine && owned.containsKey(eventId)) {
        LOG.atInfo()
            .addKeyValue("event_id", eventId)
            .addKeyValue("relay_id", relayId)
            .log("no longer mixing event");
        owned.remove(eventId).stop();
      }
    }
    justStarted.clear();
    owned
        .keySet()
        .removeIf(
            eventId -> {
              if (!liveEvents.contains(eventId)) {
                owned.get(eventId).stop();
                return true;
              }
              return false;
            });
  }

  /** Removes an ended event's owner record and screen initialisation segment from the cluster. */
  private Future<?> forgetMedia(String eventId) {
    Future<?> owner =
        vertx
            .sharedData()
            .<String, String>getAsyncMap(OWNERS_MAP)
            .compose(map -> map.remove(eventId));
    Future<?> init =
        vertx
            .sharedData()
            .<String, Buffer>getAsyncMap(SCREEN_INIT_MAP)
            .compose(map -> map.remove(eventId));
    return Future.join(owner, init);
  }

  private Future<Set<String>> eventsWithMediaRecords() {
    Future<Set<String>> owners =
        vertx.sharedData().<String, String>getAsyncMap(OWNERS_MAP).compose(map -> map.keys());
    Future<Set<String>> inits =
        vertx.sharedData().<String, Buffer>getAsyncMap(SCREEN_INIT_MAP).compose(map -> map.keys());
    return Future.all(owners, inits)
        .map(
            v -> {
              Set<String> events = new HashSet<>(owners.result());
              events.addAll(inits.result());
              return events;
            });
  }

  /** This instance's id in the cluster. */
  public String relayId() {
    return relayId;
  }

  /** Whether this instance mixes the event now. */
  public boolean mixes(String eventId) {
    return owned.containsKey(eventId);
  }

  @Override
  public Future<?> stop() {
    // Leaving the ring hands this relay's events to the others at once, before its mixers stop.
    return ownership
        .stop()
        .transform(
            ar -> {
              owned.values().forEach(OwnedEvent::stop);
              owned.clear();
              // A relay deployed again in this process registers its own gauge.
              Observability.registry(vertx).remove(ownedGauge);
              return input.unregister();
            });
  }
}
