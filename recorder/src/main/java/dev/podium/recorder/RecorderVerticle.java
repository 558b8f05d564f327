package dev.podium.recorder;

import dev.podium.api.Addresses;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.media.MediaDemand;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomInbox;
import dev.podium.runtime.rooms.RoomRoutes;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Records the events whose host turned recording on, each on exactly one recorder: the recorders'
 * ring ({@link Addresses#RECORDER_RING}, {@link ServiceOwnership}) gives each event an owner, as it
 * does for the media relays. The owner follows the room as a gateway node would (a route in {@code
 * podium.room.routes}, media to its own inbox) and asks the event's relay for the room mix, which
 * it writes to a file ({@link EventRecording}). Which events record comes from the room-service's
 * lifecycle notices and, every 2 s, its list of live events. Any recorder also reads recording
 * files for the gateways ({@link Addresses#RECORDING_FILES}).
 */
public final class RecorderVerticle extends VerticleBase {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RecorderVerticle.class);

  /** Largest range one read returns. */
  static final int MAX_READ = 1024 * 1024;

  /** Finished recording ids remembered, so a stale list never restarts one here. */
  static final int FINISHED_MEMORY = 10_000;

  private final RecorderConfig config;
  private final Map<String, JsonObject> recordingEvents = new HashMap<>();
  private final Map<String, Running> running = new HashMap<>();
  private final Set<String> finished = new LinkedHashSet<>();
  private ServiceOwnership ownership;
  private RoomInbox inbox;
  private String nodeId;
  private LocalRecordingFiles files;

  private record Running(EventRecording recording, RoomRoutes.Route route) {}

  /** Whether this instance writes the event's recording now. */
  public boolean records(String eventId) {
    return running.containsKey(eventId);
  }

  public RecorderVerticle(RecorderConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    files = new LocalRecordingFiles(config.directory());
    ownership = new ServiceOwnership(vertx, Addresses.RECORDER_RING, config.pauseLimit());
    nodeId = "recorder-" + ownership.instanceId();
    Gauge.builder("podium_owned_events", running, Map::size)
        .tag("service", Addresses.RECORDER_RING)
        .description("Recordings this instance writes")
        .register(Observability.registry(vertx));
    inbox =
        RoomInbox.open(
            vertx,
            nodeId,
            (eventId, msg) -> {},
            (eventId, msg) -> {
              Running r = running.get(eventId);
              if (r != null) {
                r.recording().onMedia(msg.body());
              }
            });
    Future<Void> lifecycle =
        vertx
            .eventBus()
            .<JsonObject>consumer(Addresses.ROOM_LIFECYCLE, msg -> lifecycle(msg.body()))
            .completion();
    Future<Void> reads =
        vertx.eventBus().<Buffer>consumer(Addresses.RECORDING_FILES, this::read).completion();
    RoomService rooms = RoomService.createProxy(vertx);
    vertx.setPeriodic(
        0,
        2_000,
        id ->
            rooms
                .liveEvents()
                .onSuccess(
                    events -> {
                      recordingEvents.clear();
                      for (LiveEvent e : events) {
                        if (e.recording() != null) {
                          recordingEvents.put(e.eventId(), e.recording());
                        }
                      }
                      rebalance();
                    }));
    // The relay mixes a room only while some node wants it: say so every second.
    vertx.setPeriodic(1_000, id -> running.keySet().forEach(e -> demand(e, true)));
    return Future.all(inbox.ready(), lifecycle, reads)
        .compose(v -> ownership.start(ring -> rebalance()))
        .onSuccess(v -> LOG.atInfo().addKeyValue("directory", files.root()).log("recorder ready"));
  }

  private void lifecycle(JsonObject notice) {
    JsonObject event = notice.getJsonObject("event");
    if (event == null || event.getString("event_id") == null) {
      return;
    }
    String eventId = event.getString("event_id");
    JsonObject recording = event.getJsonObject("recording");
    if (LifecycleNotice.ENDED.equals(notice.getString("kind")) || recording == null) {
      recordingEvents.remove(eventId);
    } else {
      recordingEvents.put(eventId, recording);
    }
    rebalance();
  }

  /** Starts the recordings the ring gives this recorder, and stops or hands over the others. */
  private void rebalance() {
    for (Map.Entry<String, JsonObject> e : recordingEvents.entrySet()) {
      String eventId = e.getKey();
      String recordingId = e.getValue().getString("recording_id");
      Running current = running.get(eventId);
      boolean mine = ownership.owns(eventId);
      if (mine && current == null && !finished.contains(recordingId)) {
        start(eventId, e.getValue());
      } else if (mine
          && current != null
          && !current.recording().recordingId().equals(recordingId)) {
        stop(eventId, true);
        start(eventId, e.getValue());
      } else if (!mine && current != null) {
        stop(eventId, false);
      }
    }
    for (String eventId : Set.copyOf(running.keySet())) {
      if (!recordingEvents.containsKey(eventId)) {
        stop(eventId, true);
      }
    }
  }

  private void start(String eventId, JsonObject recording) {
    String recordingId = recording.getString("recording_id");
    Instant startedAt;
    try {
      startedAt = Instant.parse(recording.getString("started_at"));
      RecordingFiles.name(eventId, recordingId);
    } catch (RuntimeException bad) {
      LOG.atWarn()
          .addKeyValue("event_id", eventId)
          .log("unreadable recording state: {}", recording);
      return;
    }
    EventRecording r =
        new EventRecording(
            vertx,
            files,
            eventId,
            recordingId,
            startedAt,
            config.mixLatency().toNanos(),
            notice -> vertx.eventBus().send(Addresses.HISTORY_NOTICES, notice));
    running.put(eventId, new Running(r, inbox.follow(eventId)));
    demand(eventId, true);
    r.start();
  }

  /**
   * {@code finish}: the recording stopped (or its event ended): its file is ended. Otherwise this
   * recorder gives the event up and leaves the file open for the next owner.
   */
  private void stop(String eventId, boolean finish) {
    Running r = running.remove(eventId);
    if (r == null) {
      return;
    }
    r.route().close();
    demand(eventId, false);
    if (finish) {
      finished.add(r.recording().recordingId());
      if (finished.size() > FINISHED_MEMORY) {
        finished.remove(finished.iterator().next());
      }
      r.recording().finish(Instant.now());
    } else {
      r.recording().release();
    }
  }

  private void demand(String eventId, boolean mix) {
    vertx
        .eventBus()
        .publish(Addresses.mediaDemand(eventId), new MediaDemand(nodeId, mix, false).toJson());
  }

  private void read(Message<Buffer> msg) {
    String name = msg.headers().get("file");
    long offset;
    int length;
    try {
      offset = Long.parseLong(msg.headers().get("offset"));
      length = Integer.parseInt(msg.headers().get("length"));
    } catch (RuntimeException e) {
      msg.fail(400, "offset and length are required whole numbers");
      return;
    }
    if (name == null
        || !RecordingFiles.NAME.matcher(name).matches()
        || offset < 0
        || length < 0
        || length > MAX_READ) {
      msg.fail(400, "not a recording file range");
      return;
    }
    vertx
        .executeBlocking(() -> files.read(name, offset, length), false)
        .onSuccess(
            read -> {
              if (read.isEmpty()) {
                msg.fail(404, "no such recording file");
              } else {
                msg.reply(
                    Buffer.buffer(read.get().bytes()),
                    new DeliveryOptions().addHeader("size", String.valueOf(read.get().size())));
              }
            })
        .onFailure(e -> msg.fail(500, "the recording file cannot be read"));
  }

  @Override
  public Future<?> stop() {
    // Hand every recording over (the file stays open for the next owner), then leave the ring.
    for (String eventId : Set.copyOf(running.keySet())) {
      stop(eventId, false);
    }
    return ownership.stop().eventually(() -> inbox.close());
  }
}
