package dev.podium.presence;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.GatewayControl;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.history.HistoryNotice;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.presence.ResyncBatch;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ownership.FencedStore;
import dev.podium.runtime.ownership.OwnerRing;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomChannel;
import dev.podium.runtime.sweep.EndedEventSweep;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One presence-service instance behind its proxy. Membership changes become room messages right
 * away ({@code participant_joined}, {@code participant_left}), within each room's {@link
 * NoticeBudget}; the list, the count and the active-streams list are coalesced.
 *
 * <p>Any number of instances run, all active; each holds the events the service's ring gives it
 * ({@link ServiceOwnership}). It takes an event in from the cluster copy ({@link ClusterCopy}, at a
 * new ownership epoch) when the ring gives it the event, or at the first call for it; it drops the
 * event when the ring moves it elsewhere or when a write of it is refused. Work across events stays
 * on each instance's own events: the dead gateway node sweep removes participants of the events
 * held here, {@link #notifyUser} delivers to the user's sockets in those events (the shared entry
 * asks every instance), and each instance announces only its own events' part of the active-streams
 * list ({@link StreamsPart}; the gateways put the parts together). Asked for the whole list ({@link
 * #activeStreams}), any instance reads it from the cluster copy.
 */
final class PresenceServiceImpl implements PresenceService {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceServiceImpl.class);

  /**
   * How long a new owner waits before it claims an event whose previous owner is still alive (a
   * newcomer taking its share): the previous owner writes what it has not written yet first.
   */
  static final long HANDOVER_MS = 300;

  private final Vertx vertx;
  private final RoomChannel roomChannel;
  private final PresenceConfig config;
  private final RoomService rooms;
  private final ServiceOwnership ownership;
  private final FencedStore streamStore;
  private final Memberships members = new Memberships();
  private final ClusterCopy copy;
  private final NodeLiveness nodes;
  private final Coalescer listUpdates;
  private final NoticeBudget joinNotices;
  private final NoticeBudget leaveNotices;
  private final StreamsPart streamsPart;
  private final EndedEventSweep endedSweep;

  /**
   * Records of ended events that no instance holds (a write-behind that landed after the end): each
   * owner sweeps its own.
   */
  private final EndedEventSweep staleSweep;

  private final Resyncs resyncs;

  /** Events being taken in; later calls for them wait for it. */
  private final Map<String, Future<Void>> arriving = new HashMap<>();

  /**
   * Gateway nodes whose participants were removed because the node fell silent and its process left
   * the cluster, with the events they were removed from. Such a node heard again was cut off, not
   * dead (a one-way partition can drop a member whose own view still shows a majority, so its
   * gateway keeps its sockets): its sessions of those events are asked for again ({@link Resyncs}),
   * which brings them back and tells the room-service that its speakers are there. The oldest are
   * forgotten beyond {@value #REMEMBERED_NODES} nodes.
   */
  private final Map<String, Set<String>> expiredNodes =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
          return size() > REMEMBERED_NODES;
        }
      };

  static final int REMEMBERED_NODES = 256;

  private OwnerRing ring = OwnerRing.empty();

  PresenceServiceImpl(
      Vertx vertx,
      PresenceConfig config,
      RoomService rooms,
      ServiceOwnership ownership,
      FencedStore eventStore,
      FencedStore streamStore) {
    this.vertx = vertx;
    this.roomChannel = new RoomChannel(vertx);
    this.config = config;
    this.rooms = rooms;
    this.ownership = ownership;
    this.streamStore = streamStore;
    this.nodes = new NodeLiveness(config.nodeTimeout().toMillis());
    this.joinNotices = new NoticeBudget(config.noticesPerSecond(), System::nanoTime);
    this.leaveNotices = new NoticeBudget(config.noticesPerSecond(), System::nanoTime);
    this.listUpdates =
        new Coalescer(
            vertx,
            eventId -> listInterval(config.listInterval().toMillis(), members.count(eventId)),
            this::publishList);
    this.streamsPart =
        new StreamsPart(vertx, ownership.instanceId(), config.listInterval(), this::listedEntries);
    this.copy = new ClusterCopy(vertx, eventStore, streamStore, members, this::fenced, streamsPart);
    this.resyncs =
        new Resyncs(
            vertx,
            Addresses.presenceResyncReply(ownership.instanceId()),
            members,
            eventId -> {
              listUpdates.mark(eventId);
              copy.changed(eventId);
            },
            this::departed,
            this::speakerBack);
    this.endedSweep =
        new EndedEventSweep(
            () -> Future.succeededFuture(copy.eventIds()),
            () ->
                rooms
                    .liveEvents()
                    .map(
                        events ->
                            events.stream().map(LiveEvent::eventId).collect(Collectors.toSet())),
            eventId -> ended(eventId));
    this.staleSweep =
        new EndedEventSweep(
            () ->
                Future.all(eventStore.keys(), streamStore.keys())
                    .map(
                        keys -> {
                          java.util.Set<String> mine = new java.util.HashSet<>();
                          keys.<java.util.Set<String>>list().forEach(mine::addAll);
                          mine.removeIf(id -> !ownership.owns(id) || copy.holds(id));
                          return mine;
                        }),
            () ->
                rooms
                    .liveEvents()
                    .map(
                        events ->
                            events.stream().map(LiveEvent::eventId).collect(Collectors.toSet())),
            eventId ->
                Future.join(eventStore.removeStale(eventId), streamStore.removeStale(eventId))
                    .onSuccess(v -> streamsPart.removed(eventId)));
    io.micrometer.core.instrument.MeterRegistry metrics =
        dev.podium.runtime.ops.Observability.registry(vertx);
    metrics.gauge("podium_participants", members, Memberships::total);
    metrics.gauge("podium_events_live", copy, ClusterCopy::streaming);
  }

  /** How many events this instance holds ({@code podium_owned_events}). */
  int ownedEvents() {
    return copy.size();
  }

  // --- the proxy
  // ----------------------------------------------------------------------------------

  @Override
  public Future<JsonObject> join(String eventId, Participant participant) {
    if (eventId == null
        || participant == null
        || participant.userId() == null
        || participant.sessionId() == null
        || participant.nodeId() == null) {
      return Future.failedFuture(
          ErrorCode.BAD_REQUEST.exception(
              "event id, user id, node id and session id are required"));
    }
    nodes.seen(participant.nodeId(), System.currentTimeMillis());
    return held(eventId, true, () -> joinHeld(eventId, participant), PresenceServiceImpl::moving);
  }

  private Future<JsonObject> joinHeld(String eventId, Participant participant) {
    if (!participant.verified()
        && members.find(eventId, participant.userId()).map(Participant::verified).orElse(false)) {
      return Future.failedFuture(
          ErrorCode.USER_ID_IN_USE.exception(
              "A signed-in user with this id is already in the event; guests cannot take their place"));
    }
    Memberships.Joined joined = members.join(eventId, participant);
    boolean replaced = joined.previous().isPresent();
    Instant now = Instant.now();
    if (replaced) {
      Participant old = joined.previous().get();
      if (!old.sessionId().equals(participant.sessionId())) {
        record(HistoryNotice.left(eventId, old.sessionId(), old.userId(), now));
        record(joinedNotice(eventId, participant, now));
        vertx
            .eventBus()
            .send(
                Addresses.gatewayControl(old.nodeId()),
                new GatewayControl.CloseSession(
                        old.sessionId(),
                        ErrorCode.REPLACED,
                        "You joined this event from another connection")
                    .toJson());
      }
    } else {
      record(joinedNotice(eventId, participant, now));
    }
    if (!replaced && joinNotices.allow(eventId)) {
      roomChannel.publish(
          eventId,
          ProtocolCodec.toJson(
              new ServerMessage.ParticipantJoined(
                  participant.username() + " joined live.",
                  participant.username(),
                  participant.userId(),
                  participant.role(),
                  now.toString())));
    }
    // Same place in the list on a replacement, but the name or role may differ on the new
    // connection.
    listUpdates.mark(eventId);
    copy.changed(eventId);
    speakerBack(eventId, participant);
    return Future.succeededFuture(
        new JsonObject()
            .put("replaced", replaced)
            .put("count", members.count(eventId))
            .put("participant_list", members.listText(eventId, config.listCap())));
  }

  @Override
  public Future<Void> leave(String eventId, String userId, String sessionId) {
    Supplier<Future<Void>> leave =
        () -> {
          resyncs.left(eventId, sessionId);
          members.leave(eventId, userId, sessionId).ifPresent(p -> departed(eventId, p));
          return Future.succeededFuture();
        };
    return held(eventId, false, leave, Future::succeededFuture);
  }

  @Override
  public Future<JsonObject> page(String eventId, int offset, int limit) {
    if (offset < 0 || limit < 1 || limit > config.maxPageSize()) {
      return Future.failedFuture(
          ErrorCode.BAD_REQUEST.exception(
              "offset must be >= 0 and limit between 1 and " + config.maxPageSize()));
    }
    Supplier<Future<JsonObject>> page =
        () -> Future.succeededFuture(members.page(eventId, offset, limit));
    return held(eventId, false, page, page);
  }

  /**
   * The list from the cluster copy: every owner keeps its events' entries there, so any instance
   * answers.
   */
  @Override
  public Future<JsonObject> activeStreams() {
    return streamStore.all().map(ActiveStreams::message);
  }

  @Override
  public Future<Participant> participant(String eventId, String userId) {
    Supplier<Future<Participant>> find =
        () ->
            members
                .find(eventId, userId)
                .map(Future::succeededFuture)
                .orElseGet(
                    () ->
                        Future.failedFuture(
                            ErrorCode.NOT_IN_ROOM.exception(userId + " is not in this event")));
    return held(eventId, false, find, find);
  }

  @Override
  public Future<Void> setRole(String eventId, String userId, String role) {
    return held(
        eventId,
        false,
        () -> {
          resyncs.roleSet(eventId, userId);
          if (members.setRole(eventId, userId, role)) {
            listUpdates.mark(eventId);
            copy.changed(eventId);
            members
                .find(eventId, userId)
                .ifPresent(
                    p ->
                        record(
                            HistoryNotice.role(
                                eventId, p.sessionId(), userId, role, Instant.now())));
          }
          return Future.succeededFuture();
        },
        Future::succeededFuture);
  }

  /**
   * Delivers to the user's sockets in the events this instance holds; fails with {@code
   * user_offline} when it holds none of them. The shared entry asks every instance ({@link
   * SharedEntry}).
   */
  @Override
  public Future<Void> notifyUser(String userId, JsonObject message) {
    var sockets = members.everywhere(userId);
    if (sockets.isEmpty()) {
      return Future.failedFuture(
          ErrorCode.USER_OFFLINE.exception(userId + " is not connected right now"));
    }
    for (Participant p : sockets) {
      vertx
          .eventBus()
          .send(
              Addresses.gatewayControl(p.nodeId()),
              new GatewayControl.Deliver(p.sessionId(), message).toJson());
    }
    return Future.succeededFuture();
  }

  /**
   * Least time between two list broadcasts of a room: the configured interval for every started
   * hundred participants. A list goes to every socket in the room, so at a fixed interval a room's
   * list traffic grows with the square of its size (in the benchmark, 1,000 listeners joining
   * within 5 s were each sent 4 lists of 100 entries a second); this way a room's sockets get about
   * 400 list messages a second in all at the default, whatever its size.
   */
  static long listInterval(long baseMillis, int participants) {
    return baseMillis * Math.max(1, (participants + 99) / 100);
  }

  // --- ownership
  // ----------------------------------------------------------------------------------

  /**
   * Runs {@code present} on the event held here, taking it in first when this instance owns it:
   * from its cluster copy, or as a new empty event when {@code create}. Without a copy and without
   * {@code create}, runs {@code absent}. Calls for an event this instance does not own fail with
   * {@code service_unavailable}: it is moving, the caller tries again.
   */
  private <T> Future<T> held(
      String eventId, boolean create, Supplier<Future<T>> present, Supplier<Future<T>> absent) {
    if (!ownership.owns(eventId)) {
      return moving();
    }
    if (copy.holds(eventId)) {
      return present.get();
    }
    Future<Void> taking = arriving.get(eventId);
    if (taking != null) {
      // Another call is taking the event in: look again when it is done (it may not have created
      // it).
      return taking.transform(ar -> held(eventId, create, present, absent));
    }
    Future<Void> started = takeIn(eventId, create);
    arriving.put(eventId, started);
    started.onComplete(ar -> arriving.remove(eventId, started));
    return started.compose(v -> copy.holds(eventId) ? present.get() : absent.get());
  }

  private static <T> Future<T> moving() {
    return Future.failedFuture(
        ErrorCode.SERVICE_UNAVAILABLE.exception(
            "The event is moving to another presence-service instance; try again"));
  }

  private Future<Void> takeIn(String eventId, boolean create) {
    return copy.claim(eventId, create)
        .compose(
            event -> {
              if (event == null) {
                return Future.succeededFuture();
              }
              if (!ownership.owns(eventId) || copy.holds(eventId)) {
                // The ring moved on while the claim was in flight; the new owner claims it again.
                return moving();
              }
              copy.adopt(event);
              long now = System.currentTimeMillis();
              // A node whose participants were taken in but which is never heard from is swept as
              // usual.
              event.stored.forEach(
                  p -> {
                    if (p.nodeId() != null) {
                      nodes.known(p.nodeId(), now);
                    }
                  });
              if (!event.stored.isEmpty()) {
                // A taken-over room hears its list from its new owner. A new one has nobody to list
                // yet: an
                // empty list flushed before the first join lands would show the host an empty room.
                listUpdates.mark(eventId);
              }
              if (event.epoch() > 1) {
                // Held before (killed, cut off or handed over): its last joins and leaves may not
                // be in the
                // copy; the gateways re-announce the sessions they carry. A new event (epoch 1) has
                // nothing to heal.
                resyncs.start(eventId, event.stored);
              }
              LOG.atInfo()
                  .addKeyValue("event_id", eventId)
                  .addKeyValue("epoch", event.epoch())
                  .addKeyValue("participants", event.stored.size())
                  .log("presence-service owns event");
              if (event.stream() == null) {
                // Joined before its start notice came, or the notice was missed: ask the
                // room-service.
                rooms
                    .find(eventId)
                    .onSuccess(live -> copy.stream(eventId, ActiveStreams.stream(live.toJson())));
              }
              return Future.succeededFuture();
            });
  }

  /**
   * The ring changed: hands over the events that moved elsewhere (what is not written yet is
   * written at once) and takes in the events that moved here, so their lists and the dead node
   * sweep cover them at once. An event whose previous owner is still alive is claimed a moment
   * later ({@link #HANDOVER_MS}), after that owner's last write.
   */
  void ringChanged(OwnerRing next) {
    OwnerRing before = ring;
    ring = next;
    for (String eventId : copy.eventIds()) {
      if (!ownership.owns(eventId)) {
        LOG.atInfo()
            .addKeyValue("event_id", eventId)
            .log("presence-service no longer owns event: it moved");
        copy.release(eventId);
        streamsPart.gone(eventId);
        forget(eventId);
      }
    }
    if (!next.contains(ownership.instanceId())) {
      return;
    }
    // The events this member has heard of first, at once; then the cluster's own list (a query
    // on every member, which waits for the partitions that move after a death) for any it missed.
    takeIn(copy.knownEventIds(), before, next);
    long listing = System.nanoTime();
    copy.eventIdsInCluster()
        .onSuccess(
            keys -> {
              LOG.atInfo()
                  .addKeyValue("events", keys.size())
                  .addKeyValue("listed_ms", (System.nanoTime() - listing) / 1_000_000)
                  .log("presence-service ring changed: live events listed");
              takeIn(keys, before, next);
            })
        .onFailure(e -> LOG.warn("could not list the events to take over: {}", e.getMessage()));
  }

  /**
   * Takes in those of these events that the ring change made this instance's: at once, or after
   * {@link #HANDOVER_MS} when their previous owner is still running (an event taken in meanwhile is
   * found held and not claimed again).
   */
  private void takeIn(Collection<String> eventIds, OwnerRing before, OwnerRing next) {
    eventIds.forEach(
        eventId -> {
          if (ownership.owns(eventId) && !copy.holds(eventId)) {
            String previous = before.owner(eventId);
            boolean handover =
                previous != null
                    && !previous.equals(ownership.instanceId())
                    && next.contains(previous);
            vertx.setTimer(handover ? HANDOVER_MS : 1, t -> takeInQuietly(eventId, false));
          }
        });
  }

  private void takeInQuietly(String eventId, boolean create) {
    held(eventId, create, Future::succeededFuture, Future::succeededFuture)
        .onFailure(
            e ->
                LOG.atDebug()
                    .addKeyValue("event_id", eventId)
                    .log("not taken in: {}", e.getMessage()));
  }

  /** A write of the event was refused: another instance owns it now. */
  private void fenced(String eventId) {
    LOG.atWarn()
        .addKeyValue("event_id", eventId)
        .log("presence-service no longer owns event: a write was fenced");
    streamsPart.gone(eventId);
    forget(eventId);
  }

  /**
   * Forgets the event's memberships here (no one is announced as leaving: they are still in it,
   * elsewhere).
   */
  private void forget(String eventId) {
    resyncs.forget(eventId);
    members.dropEvent(eventId);
    listUpdates.forget(eventId);
    joinNotices.forget(eventId);
    leaveNotices.forget(eventId);
  }

  /**
   * Makes sure every live event this instance owns is held (one whose start it missed, or that it
   * failed to take over) with its stream, and ends the held events the room-service no longer lists
   * (an end notice missed). Runs at start and every {@code RECONCILE_MS}.
   */
  void reconcile() {
    rooms
        .liveEvents()
        .onSuccess(
            live ->
                live.forEach(
                    event -> {
                      if (ownership.owns(event.eventId())) {
                        held(
                                event.eventId(),
                                true,
                                () -> {
                                  ClusterCopy.Held h = copy.get(event.eventId());
                                  if (h != null && h.stream() == null) {
                                    copy.stream(
                                        event.eventId(), ActiveStreams.stream(event.toJson()));
                                  }
                                  return Future.succeededFuture();
                                },
                                Future::succeededFuture)
                            .onFailure(
                                e ->
                                    LOG.atDebug()
                                        .addKeyValue("event_id", event.eventId())
                                        .log("live event not taken in: {}", e.getMessage()));
                      }
                    }))
        .onFailure(
            e ->
                LOG.debug(
                    "room-service not reachable; live events not reconciled: {}", e.getMessage()));
    endedSweep.run();
    staleSweep.run();
  }

  /**
   * Hands over at a clean stop: writes what is not written yet (bounded by the caller), then
   * forgets everything.
   */
  Future<Void> flushAll() {
    return copy.flushAll();
  }

  void dropAll() {
    copy.eventIds().forEach(this::forget);
    copy.dropAll();
    streamsPart.stop();
  }

  /** The active-streams entries of the events this instance holds. */
  private List<JsonObject> listedEntries() {
    return copy.entries();
  }

  /** Starts announcing this instance's part of the active-streams list whole, every few seconds. */
  void startListing() {
    streamsPart.start();
  }

  // --- notices --------------------------------------------------------------------------------

  /**
   * A lifecycle notice from the room-service; the event's owner acts on it, the others ignore it.
   */
  void onLifecycle(JsonObject notice) {
    JsonObject event = notice.getJsonObject("event");
    String eventId = event.getString("event_id");
    if (!ownership.owns(eventId)) {
      return;
    }
    Future<Void> done =
        switch (notice.getString("kind", "")) {
          case LifecycleNotice.STARTED, LifecycleNotice.MODE_CHANGED ->
              held(
                  eventId,
                  true,
                  () -> {
                    copy.stream(eventId, ActiveStreams.stream(event));
                    return Future.succeededFuture();
                  },
                  Future::succeededFuture);
          case LifecycleNotice.ENDED -> ended(eventId);
          default -> Future.succeededFuture();
        };
    done.onFailure(
        e ->
            LOG.atDebug()
                .addKeyValue("event_id", eventId)
                .log("lifecycle notice not applied: {}", e.getMessage()));
  }

  /** The event ended: its memberships and its cluster copy go. */
  private Future<Void> ended(String eventId) {
    return held(
        eventId,
        false,
        () -> {
          forget(eventId);
          return copy.end(eventId);
        },
        Future::succeededFuture);
  }

  /** One gateway node's batch of sessions for a resync ({@link Resyncs}); false when refused. */
  boolean onResyncBatch(ResyncBatch batch) {
    // Only for an event still held here: a resync of an event that moved was forgotten with it.
    return copy.holds(batch.eventId()) && resyncs.batch(batch);
  }

  void onHeartbeat(String nodeId, String member) {
    nodes.heartbeat(nodeId, member, System.currentTimeMillis());
    Set<String> events = expiredNodes.remove(nodeId);
    if (events == null) {
      return;
    }
    for (String eventId : events) {
      if (copy.holds(eventId)) {
        LOG.atInfo()
            .addKeyValue("event_id", eventId)
            .addKeyValue("node_id", nodeId)
            .log("gateway node heard again after its participants were removed; asking again");
        resyncs.start(eventId, members.members(eventId));
      }
    }
  }

  /** A host or co-host is connected: the room-service cancels their reconnect grace, if any. */
  private void speakerBack(String eventId, Participant participant) {
    if (participant.isSpeaker()) {
      rooms
          .presence(eventId, participant.userId(), true)
          .onFailure(
              e -> LOG.warn("room-service not told a speaker is present: {}", e.getMessage()));
    }
  }

  /**
   * Removes the participants of gateway nodes that stopped sending heartbeats, from the events held
   * here.
   */
  void expireDeadNodes() {
    long now = System.currentTimeMillis();
    if (!ownership.awake()) {
      // This process stood still (or has just woken and not yet stepped down): it heard no
      // heartbeats meanwhile, so the nodes' silence says nothing, and an overdue sweep must not
      // tell rooms it may have lost that everyone left (nor the room-service that their hosts
      // did, which would end events whose hosts are connected). The nodes' clocks start again.
      nodes.restart(now);
      return;
    }
    for (String nodeId : nodes.expire(now, ownership::memberAlive)) {
      var removed = members.removeNode(nodeId);
      if (!removed.isEmpty()) {
        Set<String> events = expiredNodes.computeIfAbsent(nodeId, n -> new HashSet<>());
        removed.forEach(r -> events.add(r.eventId()));
        LOG.atWarn()
            .addKeyValue("node_id", nodeId)
            .addKeyValue("removed", removed.size())
            .log("gateway node silent; removing its participants");
      }
      removed.forEach(r -> departed(r.eventId(), r.participant()));
    }
  }

  /**
   * Tells the room someone left; the cluster copy follows. Not while this instance may have lost
   * the event (a pause).
   */
  private void departed(String eventId, Participant p) {
    if (!ownership.awake()) {
      return;
    }
    record(HistoryNotice.left(eventId, p.sessionId(), p.userId(), Instant.now()));
    if (leaveNotices.allow(eventId)) {
      roomChannel.publish(
          eventId,
          ProtocolCodec.toJson(
              new ServerMessage.ParticipantLeft(
                  p.userId(), p.userId(), p.username(), p.username() + " left live.")));
    }
    listUpdates.mark(eventId);
    copy.changed(eventId);
    if (p.isSpeaker()) {
      rooms
          .presence(eventId, p.userId(), false)
          .onFailure(e -> LOG.warn("room-service not told a speaker left: {}", e.getMessage()));
    }
  }

  private static JsonObject joinedNotice(String eventId, Participant p, Instant at) {
    return HistoryNotice.joined(eventId, p.sessionId(), p.userId(), p.username(), p.role(), at);
  }

  /** For the database's record, written behind by the history-service (never awaited here). */
  private void record(JsonObject notice) {
    vertx.eventBus().send(Addresses.HISTORY_NOTICES, notice);
  }

  private void publishList(String eventId) {
    if (!copy.holds(eventId) || !ownership.awake()) {
      return;
    }
    roomChannel.publish(eventId, members.listMessage(eventId, config.listCap()));
    roomChannel.publish(
        eventId, ProtocolCodec.toJson(new ServerMessage.ParticipantCount(members.count(eventId))));
  }
}
