package dev.podium.presence;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence-service behind its proxy. Membership changes become room events right away
 * ({@code participant_joined}, {@code participant_left}); the list, the count and the
 * active-streams list are coalesced. Only the active instance holds state: it writes every
 * membership change to the cluster copy ({@link MembershipStore}) as it happens, and a standby
 * that becomes active loads that copy ({@link #activate}).
 */
final class PresenceServiceImpl implements PresenceService {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceServiceImpl.class);
  private static final String ALL_STREAMS = "*";

  private final Vertx vertx;
  private final PresenceConfig config;
  private final RoomService rooms;
  private final Memberships members = new Memberships();
  private final MembershipStore store;
  private final ActiveStreams streams = new ActiveStreams();
  private final NodeLiveness nodes;
  private final Coalescer listUpdates;
  private final Coalescer streamUpdates;
  private boolean active;

  PresenceServiceImpl(Vertx vertx, PresenceConfig config, RoomService rooms) {
    this.vertx = vertx;
    this.config = config;
    this.rooms = rooms;
    this.nodes = new NodeLiveness(config.nodeTimeout().toMillis());
    this.store = new MembershipStore(vertx);
    this.listUpdates = new Coalescer(vertx, eventId -> listInterval(config.listInterval().toMillis(), members.count(eventId)),
        this::publishList);
    this.streamUpdates = new Coalescer(vertx, config.listInterval(), key -> publishStreams());
    io.micrometer.core.instrument.MeterRegistry metrics = dev.podium.runtime.ops.Observability.registry(vertx);
    metrics.gauge("podium_participants", members, Memberships::total);
    metrics.gauge("podium_events_live", streams, ActiveStreams::size);
  }

  @Override
  public Future<JsonObject> join(String eventId, Participant participant) {
    if (eventId == null || participant == null || participant.userId() == null || participant.sessionId() == null
        || participant.nodeId() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception("event id, user id, node id and session id are required"));
    }
    nodes.seen(participant.nodeId(), System.currentTimeMillis());
    if (!participant.verified() && members.find(eventId, participant.userId()).map(Participant::verified).orElse(false)) {
      return Future.failedFuture(ErrorCode.USER_ID_IN_USE.exception(
          "A signed-in user with this id is already in the event; guests cannot take their place"));
    }
    Memberships.Joined joined = members.join(eventId, participant);
    boolean replaced = joined.previous().isPresent();
    if (replaced) {
      Participant old = joined.previous().get();
      if (!old.sessionId().equals(participant.sessionId())) {
        vertx.eventBus().send(Addresses.gatewayControl(old.nodeId()), new JsonObject()
            .put("action", "close_session")
            .put("session_id", old.sessionId())
            .put("code", ErrorCode.REPLACED.code())
            .put("message", "You joined this event from another connection"));
      }
      // Same place in the list, but the name or role may differ on the new connection.
      listUpdates.mark(eventId);
    } else {
      vertx.eventBus().publish(Addresses.roomEvents(eventId), new JsonObject()
          .put("type", "participant_joined")
          .put("message", participant.username() + " joined live.")
          .put("username", participant.username())
          .put("user_id", participant.userId())
          .put("role", participant.role())
          .put("timestamp", Instant.now().toString()));
      listUpdates.mark(eventId);
      streamUpdates.mark(ALL_STREAMS);
    }
    if (participant.isSpeaker()) {
      rooms.presence(eventId, participant.userId(), true)
          .onFailure(e -> LOG.warn("room-service not told a speaker is present: {}", e.getMessage()));
    }
    JsonObject answer = new JsonObject()
        .put("replaced", replaced)
        .put("count", members.count(eventId))
        .put("participant_list", members.listMessage(eventId, config.listCap()));
    record(store.save(eventId, participant));
    return Future.succeededFuture(answer);
  }

  @Override
  public Future<Void> leave(String eventId, String userId, String sessionId) {
    members.leave(eventId, userId, sessionId).ifPresent(p -> departed(eventId, p));
    return Future.succeededFuture();
  }

  @Override
  public Future<JsonObject> page(String eventId, int offset, int limit) {
    if (offset < 0 || limit < 1 || limit > config.maxPageSize()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception(
          "offset must be >= 0 and limit between 1 and " + config.maxPageSize()));
    }
    return Future.succeededFuture(members.page(eventId, offset, limit));
  }

  @Override
  public Future<JsonObject> activeStreams() {
    return Future.succeededFuture(streams.message(members::count));
  }

  @Override
  public Future<Participant> participant(String eventId, String userId) {
    return members.find(eventId, userId)
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_IN_ROOM.exception(userId + " is not in this event")));
  }

  @Override
  public Future<Void> setRole(String eventId, String userId, String role) {
    if (members.setRole(eventId, userId, role)) {
      listUpdates.mark(eventId);
      record(store.save(eventId, members.find(eventId, userId).orElseThrow()));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> notifyUser(String userId, JsonObject message) {
    var sockets = members.everywhere(userId);
    if (sockets.isEmpty()) {
      return Future.failedFuture(ErrorCode.USER_OFFLINE.exception(userId + " is not connected right now"));
    }
    for (Participant p : sockets) {
      vertx.eventBus().send(Addresses.gatewayControl(p.nodeId()), new JsonObject()
          .put("action", "deliver")
          .put("session_id", p.sessionId())
          .put("message", message));
    }
    return Future.succeededFuture();
  }

  /**
   * Least time between two list broadcasts of a room: the configured interval for every started
   * hundred participants. A list goes to every socket in the room, so at a fixed interval a room's
   * list traffic grows with the square of its size (in the benchmark, 1,000 listeners joining
   * within 5 s were each sent 4 lists of 100 entries a second); this way a room's sockets get
   * about 400 list messages a second in all at the default, whatever its size.
   */
  static long listInterval(long baseMillis, int participants) {
    return baseMillis * Math.max(1, (participants + 99) / 100);
  }

  /**
   * Becomes the active instance: loads the memberships from the cluster copy and the live events
   * from the room-service. A gateway node whose participants were loaded but which is not heard
   * from within the node timeout is swept as usual, so a node that died during the handover does
   * not leave its participants behind.
   */
  Future<Void> activate() {
    return store.load().map(stored -> {
      long now = System.currentTimeMillis();
      for (MembershipStore.Stored s : stored) {
        members.join(s.eventId(), s.participant());
        if (s.participant().nodeId() != null) {
          nodes.known(s.participant().nodeId(), now);
        }
        listUpdates.mark(s.eventId());
      }
      if (!stored.isEmpty()) {
        LOG.info("took over {} memberships from the cluster copy", stored.size());
      }
      active = true;
      // Events that started before this instance became active still belong in the list.
      rooms.liveEvents()
          .onSuccess(events -> seed(events.stream().map(dev.podium.api.room.LiveEvent::toJson).toList()))
          .onFailure(e -> LOG.info("room-service not reachable yet; active streams fill from lifecycle notices"));
      return null;
    });
  }

  /** Stops being the active instance: another one has the memberships now. */
  void deactivate() {
    active = false;
    store.release();
    members.clear();
    streams.clear();
    listUpdates.clear();
    streamUpdates.clear();
  }

  /**
   * A write to the cluster copy, not waited for: a join's answer is on the critical path of every
   * listener's join, and on a busy node a cluster write adds a hop through Hazelcast's threads to
   * it. The writes of one instance reach the map in the order they were made; a failed one is
   * logged and the change stands in memory.
   */
  private static void record(Future<Void> write) {
    write.onFailure(e -> LOG.warn("membership change not written to the cluster copy: {}", e.getMessage()));
  }

  /** A lifecycle notice from the room-service (the standby ignores them: it seeds on activation). */
  void onLifecycle(JsonObject notice) {
    if (!active) {
      return;
    }
    JsonObject event = notice.getJsonObject("event");
    String eventId = event.getString("event_id");
    switch (notice.getString("kind", "")) {
      case LifecycleNotice.STARTED, LifecycleNotice.MODE_CHANGED -> streams.put(event);
      case LifecycleNotice.ENDED -> {
        streams.remove(eventId);
        members.dropEvent(eventId).forEach(p -> record(store.remove(eventId, p.userId())));
        listUpdates.forget(eventId);
      }
      default -> {
        return;
      }
    }
    streamUpdates.mark(ALL_STREAMS);
  }

  /** Seeds the active-streams list from the room-service (after a presence restart). */
  void seed(Iterable<JsonObject> liveEvents) {
    liveEvents.forEach(streams::put);
    streamUpdates.mark(ALL_STREAMS);
  }

  void onHeartbeat(String nodeId) {
    nodes.seen(nodeId, System.currentTimeMillis());
  }

  /** Removes the participants of gateway nodes that stopped sending heartbeats. */
  void expireDeadNodes() {
    if (!active) {
      return;
    }
    for (String nodeId : nodes.expire(System.currentTimeMillis())) {
      var removed = members.removeNode(nodeId);
      if (!removed.isEmpty()) {
        LOG.atWarn().addKeyValue("node_id", nodeId).addKeyValue("removed", removed.size())
            .log("gateway node silent; removing its participants");
      }
      removed.forEach(r -> departed(r.eventId(), r.participant()));
    }
  }

  /** Tells the room someone left and forgets them in the cluster copy. */
  private void departed(String eventId, Participant p) {
    vertx.eventBus().publish(Addresses.roomEvents(eventId), new JsonObject()
        .put("type", "participant_left")
        .put("participant_id", p.userId())
        .put("user_id", p.userId())
        .put("username", p.username())
        .put("message", p.username() + " left live."));
    listUpdates.mark(eventId);
    streamUpdates.mark(ALL_STREAMS);
    if (p.isSpeaker()) {
      rooms.presence(eventId, p.userId(), false)
          .onFailure(e -> LOG.warn("room-service not told a speaker left: {}", e.getMessage()));
    }
    record(store.remove(eventId, p.userId()));
  }

  private void publishList(String eventId) {
    vertx.eventBus().publish(Addresses.roomEvents(eventId), members.listMessage(eventId, config.listCap()));
    vertx.eventBus().publish(Addresses.roomEvents(eventId),
        new JsonObject().put("type", "participant_count").put("count", members.count(eventId)));
  }

  private void publishStreams() {
    vertx.eventBus().publish(Addresses.ACTIVE_STREAMS, streams.message(members::count));
  }
}
