package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.RoomMessageRouting;
import dev.podium.api.history.HistoryNotice;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.membership.BusReach;
import dev.podium.runtime.ownership.FencedStore;
import dev.podium.runtime.ownership.OwnerRing;
import dev.podium.runtime.ownership.ServiceOwnership;
import dev.podium.runtime.rooms.RoomChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room-service behind its proxy: event lifecycle on {@link RoomRegistry}, every stage rule
 * through {@link Stage}, reconnect-grace and invitation timers, and the room messages all of that
 * produces. Operations of one event run one at a time ({@link EventQueue}).
 *
 * <p>Any number of instances run, all active; each holds the events the service's ring gives it
 * ({@link ServiceOwnership}). It takes an event in from the cluster copy (at a new ownership epoch)
 * when the ring gives it the event, or at the first call for it, re-arming its timers; it drops the
 * event when the ring moves it elsewhere. Every change is a fenced write ({@link FencedStore}): an
 * instance that lost the event while paused or cut off cannot change it any more, and drops it on
 * the refused write.
 */
public final class RoomServiceImpl implements RoomService {
  private static final Logger LOG = LoggerFactory.getLogger(RoomServiceImpl.class);

  /** The cluster copy of every live event (fenced records: epoch, owner, room). */
  public static final String STORE = "podium.rooms";

  /**
   * Host user id → their live event id, cluster-wide: one live event per host whichever instance
   * starts it.
   */
  static final String HOSTS = "podium.rooms.hosts";

  private static final int ID_ATTEMPTS = 256;

  private final Vertx vertx;
  private final RoomChannel roomChannel;
  private final RoomConfig config;
  private final RoomRegistry registry;
  private final PresenceService presence;
  private final ServiceOwnership ownership;
  private final FencedStore store;
  private final EventQueue queue = new EventQueue();

  /**
   * How long a caller's operation may wait behind the event's earlier ones before it is refused
   * instead of run: callers give up after 3 s, and an action applied after its caller was told it
   * failed is what the network-fault suite must never see.
   */
  static final long CALLER_WAIT_NANOS = 2_000_000_000L;

  /** How long the event bus must have reached every member before presence's "not there" counts. */
  static final long BUS_SETTLED_MS = 3_000;

  /** How often a grace that ran out asks presence again while its answer is not sure. */
  static final long GRACE_RECHECK_MS = 1_000;

  /** How long past its grace a user's time may be stretched while presence's answer is not sure. */
  static final long GRACE_OVERTIME_MS = 60_000;

  /** This instance's hold on each event it has taken in. */
  private final Map<String, FencedStore.Lease> leases = new HashMap<>();

  /** Timers armed per event (grace, invitation expiry), cancelled when the event ends or moves. */
  private final Map<String, Set<Long>> timers = new HashMap<>();

  private final PresenceRoles roles;

  public RoomServiceImpl(
      Vertx vertx,
      RoomConfig config,
      RoomRegistry registry,
      PresenceService presence,
      ServiceOwnership ownership,
      FencedStore store) {
    this.vertx = vertx;
    this.roomChannel = new RoomChannel(vertx);
    this.config = config;
    this.registry = registry;
    this.presence = presence;
    this.ownership = ownership;
    this.store = store;
    this.roles = new PresenceRoles(presence, this::roleHeld, this::arm);
  }

  // --- lifecycle ------------------------------------------------------------------------------

  @Override
  public Future<LiveEvent> goLive(String userId, String username) {
    if (userId == null || userId.isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception("user id is required"));
    }
    String name = username == null || username.isBlank() ? userId : username;
    return hosts()
        .compose(
            hosts ->
                hosts
                    .get(userId)
                    .compose(
                        existing ->
                            existing == null
                                ? open(hosts, userId, name, null)
                                : store
                                    .get(existing)
                                    .compose(
                                        json ->
                                            json != null
                                                ? Future.succeededFuture(
                                                    RoomRegistry.describe(json, true))
                                                // The index names an event that has ended: start a
                                                // new one in its place.
                                                : open(hosts, userId, name, existing))));
  }

  /**
   * Starts an event under an id this instance owns (so it needs no hand-over), then claims the host
   * in the cluster-wide index; a host starting twice at once on two instances gets one event.
   */
  private Future<LiveEvent> open(
      AsyncMap<String, String> hosts, String userId, String name, String stale) {
    String eventId = null;
    for (int i = 0; i < ID_ATTEMPTS && eventId == null; i++) {
      String candidate = registry.newId();
      if (ownership.owns(candidate)) {
        eventId = candidate;
      }
    }
    if (eventId == null) {
      return Future.failedFuture(
          ErrorCode.SERVICE_UNAVAILABLE.exception(
              "This room-service instance owns no events right now; try again"));
    }
    String id = eventId;
    RoomRegistry.Room room = registry.open(id, userId, name);
    if (room == null) {
      // This instance holds the host's event already (the index entry is being written).
      return registry.rooms().stream()
          .filter(r -> r.hostUserId().equals(userId))
          .findFirst()
          .map(r -> Future.succeededFuture(RoomRegistry.describe(r.toJson(), true)))
          .orElseGet(
              () -> Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception("try again")));
    }
    return store
        .create(id, room.toJson())
        .compose(
            lease -> {
              leases.put(id, lease);
              Future<Boolean> indexed =
                  stale == null
                      ? hosts.putIfAbsent(userId, id).map(previous -> previous == null)
                      : hosts.replaceIfPresent(userId, stale, id);
              return indexed.compose(
                  won -> {
                    if (won && !ownership.awake()) {
                      // Stood still since the record was created: the cluster may have dropped this
                      // member
                      // meanwhile. Announce nothing; the host's retry finds the event through the
                      // index (or
                      // starts afresh if this member's writes went to a copy the cluster has
                      // discarded).
                      forget(id);
                      return Future.failedFuture(
                          ErrorCode.SERVICE_UNAVAILABLE.exception("try again"));
                    }
                    if (won) {
                      LOG.atInfo()
                          .addKeyValue("event_id", id)
                          .addKeyValue("user_id", userId)
                          .log("event started");
                      LOG.atInfo().addKeyValue("event_id", id).log("room-service owns event");
                      vertx
                          .eventBus()
                          .publish(
                              Addresses.ROOM_LIFECYCLE,
                              LifecycleNotice.of(
                                  LifecycleNotice.STARTED, RoomRegistry.describe(room).toJson()));
                      return Future.succeededFuture(RoomRegistry.describe(room));
                    }
                    // Another instance started the host's event at the same moment: keep theirs.
                    forget(id);
                    return store.remove(lease).otherwiseEmpty().compose(v -> goLive(userId, name));
                  });
            })
        .recover(
            e -> {
              if (registry.find(id).orElse(null) == room) {
                // Not started after all: leave no record behind that would list it as live.
                FencedStore.Lease lease = leases.get(id);
                forget(id);
                if (lease != null) {
                  store.remove(lease);
                }
              }
              return Future.failedFuture(e);
            });
  }

  @Override
  public Future<LiveEvent> find(String eventId) {
    return held(eventId).map(RoomRegistry::describe);
  }

  @Override
  public Future<JsonObject> admit(String eventId, String userId, boolean verified) {
    return held(eventId)
        .map(
            room -> {
              String role = room.stage().admit(userId, verified);
              return new JsonObject()
                  .put("event", RoomRegistry.describe(room).toJson())
                  .put("role", role)
                  .put("stage", room.stage().stateFor(userId));
            });
  }

  @Override
  public Future<Void> end(String eventId, String userId) {
    return queue.submit(
        eventId,
        CALLER_WAIT_NANOS,
        () ->
            room(eventId)
                .compose(
                    room -> {
                      if (!room.hostUserId().equals(userId)) {
                        return Future.failedFuture(
                            ErrorCode.NOT_HOST.exception("Only the host can end the event"));
                      }
                      return endEvent(
                          room, "The host has ended the live event.", LifecycleNotice.HOST_ENDED);
                    }));
  }

  @Override
  public Future<Void> presence(String eventId, String userId, boolean present) {
    return queue.submit(
        eventId,
        () ->
            room(eventId)
                .recover(
                    e ->
                        ErrorCode.of(e) == ErrorCode.EVENT_NOT_FOUND
                            ? Future.succeededFuture(null)
                            : Future.failedFuture(e))
                .compose(
                    room -> {
                      if (room == null) {
                        return Future.succeededFuture();
                      }
                      boolean isHost = room.hostUserId().equals(userId);
                      Map<String, Long> away = room.awayTimers();
                      if (present) {
                        // Cancelled whatever the user's role is now: a timer from an earlier stint
                        // on stage must not fire later.
                        Long timer = away.remove(userId);
                        Long until = room.awayUntil().remove(userId);
                        if (timer != null || until != null) {
                          if (timer != null) {
                            cancel(eventId, timer);
                          }
                          // Announced only once written: an instance that lost the event must not
                          // tell the room anything.
                          return persist(room)
                              .onSuccess(
                                  v -> {
                                    if (isHost) {
                                      notice(eventId, "The host is back.");
                                    }
                                  });
                        }
                      } else if ((isHost || room.stage().isCohost(userId))
                          && !away.containsKey(userId)) {
                        long grace = Math.max(1, config.reconnectGrace().toMillis());
                        room.awayUntil().put(userId, System.currentTimeMillis() + grace);
                        armGrace(room, userId, grace);
                        return persist(room)
                            .onSuccess(
                                v -> {
                                  if (isHost) {
                                    notice(
                                        eventId,
                                        "The host lost connection. The event ends in "
                                            + Math.round(grace / 1000.0)
                                            + " s unless they return.");
                                  }
                                });
                      }
                      return Future.succeededFuture();
                    }));
  }

  private void armGrace(RoomRegistry.Room room, String userId, long delayMillis) {
    armGrace(room, userId, delayMillis, GRACE_OVERTIME_MS);
  }

  /**
   * Arms the grace timer of a user away; when it fires presence is asked first ({@link
   * #graceOver}). {@code overtimeMillis}: how much longer the grace may still be stretched while
   * the answer is not sure.
   */
  private void armGrace(
      RoomRegistry.Room room, String userId, long delayMillis, long overtimeMillis) {
    boolean isHost = room.hostUserId().equals(userId);
    String eventId = room.eventId();
    long[] timer = new long[1];
    timer[0] =
        arm(
            eventId,
            delayMillis,
            () -> graceOver(eventId, userId, isHost, timer[0], overtimeMillis));
    room.awayTimers().put(userId, timer[0]);
  }

  /**
   * A grace ran out: presence is asked whether the user is connected now before the event ends (or
   * the co-host steps down). Presence's "away" and "back" reach this service as single calls, and
   * one can be lost (a call that fails is only logged) or arrive after the other; the question is
   * the level, not the edge. The answer "not there" counts only once this process's event bus has
   * reached every member for {@value #BUS_SETTLED_MS} ms: right after a merge the sessions of a
   * gateway that was apart come back to presence only once its heartbeats flow again, which took
   * 22-26 s (docs/operations.md, "Network faults"). Unsure (presence not answering, or the bus not
   * settled), it asks again every {@value #GRACE_RECHECK_MS} ms for at most {@value
   * #GRACE_OVERTIME_MS} ms past the grace, and then the grace ends as it always did.
   */
  private void graceOver(
      String eventId, String userId, boolean isHost, long timer, long overtimeMillis) {
    RoomRegistry.Room asked = registry.find(eventId).orElse(null);
    if (asked == null || !ownership.owns(eventId)) {
      return;
    }
    presence
        .participant(eventId, userId)
        .onComplete(
            ar -> {
              RoomRegistry.Room room = registry.find(eventId).orElse(null);
              Long current = room == null ? null : room.awayTimers().get(userId);
              if (room != asked || current == null || current != timer) {
                // Ended, moved, or the user came back (or left again) while presence answered.
                return;
              }
              if (ar.succeeded()) {
                LOG.atInfo()
                    .addKeyValue("event_id", eventId)
                    .addKeyValue("user_id", userId)
                    .log("grace over, but presence has the user connected: kept");
                presence(eventId, userId, true);
                return;
              }
              boolean notThere = ErrorCode.of(ar.cause()) == ErrorCode.NOT_IN_ROOM;
              boolean gone = notThere && BusReach.reachedAllForMillis(vertx) >= BUS_SETTLED_MS;
              if (!gone && overtimeMillis > 0) {
                if (overtimeMillis == GRACE_OVERTIME_MS) {
                  LOG.atInfo()
                      .addKeyValue("event_id", eventId)
                      .addKeyValue("user_id", userId)
                      .log(
                          "grace over, but not sure the user is gone ({}): asking again for up to"
                              + " {} ms",
                          notThere
                              ? "the event bus has not reached every member for long enough"
                              : "presence did not answer: " + ar.cause().getMessage(),
                          GRACE_OVERTIME_MS);
                }
                armGrace(room, userId, GRACE_RECHECK_MS, overtimeMillis - GRACE_RECHECK_MS);
                return;
              }
              graceEnds(eventId, userId, isHost);
            });
  }

  private void graceEnds(String eventId, String userId, boolean isHost) {
    if (isHost) {
      // Not in the event's turn: an operation stuck waiting (on presence, say) must not keep the
      // event alive; it finds the event gone when it resumes. An overdue timer of an instance that
      // has just woken from a pause does nothing: the end itself is fenced too (FencedStore).
      RoomRegistry.Room room = registry.find(eventId).orElse(null);
      if (room == null || !ownership.owns(eventId)) {
        return;
      }
      room.awayTimers().remove(userId);
      endEvent(
              room,
              "The host's connection was lost; the live event has ended.",
              LifecycleNotice.HOST_LOST)
          .onFailure(
              e ->
                  LOG.atDebug()
                      .addKeyValue("event_id", eventId)
                      .log("grace end not applied: {}", e.getMessage()));
      return;
    }
    onTimer(
            eventId,
            (room, stage) -> {
              room.awayTimers().remove(userId);
              room.awayUntil().remove(userId);
              return stage.isCohost(userId)
                  ? stage.leave(userId, " left the stage (connection lost).")
                  : Stage.Outcome.of();
            })
        .onFailure(
            e ->
                LOG.atDebug()
                    .addKeyValue("event_id", eventId)
                    .log("grace end not applied: {}", e.getMessage()));
  }

  /** The role the stage of an event held here gives a user, or null when it is not held here. */
  private String roleHeld(String eventId, String userId) {
    return registry.find(eventId).map(room -> room.stage().roleOf(userId)).orElse(null);
  }

  /** A one-shot timer of one event (cancelled when the event ends or moves to another instance). */
  private long arm(String eventId, long delayMillis, Runnable action) {
    long[] id = new long[1];
    id[0] =
        vertx.setTimer(
            Math.max(1, delayMillis),
            t -> {
              Set<Long> armed = timers.get(eventId);
              if (armed != null) {
                armed.remove(id[0]);
              }
              action.run();
            });
    timers.computeIfAbsent(eventId, k -> new HashSet<>()).add(id[0]);
    return id[0];
  }

  private void cancel(String eventId, long timer) {
    vertx.cancelTimer(timer);
    Set<Long> armed = timers.get(eventId);
    if (armed != null) {
      armed.remove(timer);
    }
  }

  // --- ownership and the cluster copy
  // -------------------------------------------------------------

  /**
   * Writes the room to the cluster copy, fenced: refused (and the event dropped) if another
   * instance owns it now.
   */
  private Future<Void> persist(RoomRegistry.Room room) {
    return persist(room, null);
  }

  /**
   * As {@link #persist(RoomRegistry.Room)}, with what the change must announce ({@link
   * Announcement}) in the record until it is announced; null for none.
   */
  private Future<Void> persist(RoomRegistry.Room room, Announcement pending) {
    String eventId = room.eventId();
    FencedStore.Lease lease = leases.get(eventId);
    if (registry.find(eventId).orElse(null) != room || lease == null) {
      // The event ended or moved while this operation waited (for presence, say): writing the room
      // back would leave an entry nobody removes, or overwrite the new owner's.
      return Future.failedFuture(
          ownership.owns(eventId)
              ? ErrorCode.EVENT_NOT_FOUND.exception("No live event with id " + eventId)
              : ErrorCode.SERVICE_UNAVAILABLE.exception(
                  "The event is moving to another instance; try again"));
    }
    JsonObject record = room.toJson();
    if (pending != null) {
      record.put(Announcement.FIELD, pending.toJson());
    }
    roles.writeDue(eventId, record);
    return store.write(lease, record).recover(e -> fenced(eventId, room, e));
  }

  private <T> Future<T> fenced(String eventId, RoomRegistry.Room room, Throwable e) {
    if (e instanceof FencedStore.Fenced) {
      if (registry.find(eventId).orElse(null) == room) {
        LOG.atWarn()
            .addKeyValue("event_id", eventId)
            .log("room-service no longer owns event: a write was fenced ({})", e.getMessage());
        forget(eventId);
      }
      return Future.failedFuture(
          ErrorCode.SERVICE_UNAVAILABLE.exception(
              "The event is moving to another instance; try again"));
    }
    return Future.failedFuture(e);
  }

  /**
   * The room if this instance holds it; else takes it in when the ring says this instance owns it
   * (run in the event's turn, so two calls never claim it twice).
   */
  private Future<RoomRegistry.Room> held(String eventId) {
    RoomRegistry.Room room = registry.find(eventId).orElse(null);
    return room != null ? Future.succeededFuture(room) : queue.submit(eventId, () -> room(eventId));
  }

  /** Like {@link #held}, for callers already in the event's turn. */
  private Future<RoomRegistry.Room> room(String eventId) {
    RoomRegistry.Room room = registry.find(eventId).orElse(null);
    if (room != null) {
      return Future.succeededFuture(room);
    }
    if (!ownership.owns(eventId)) {
      return ownership.owner(eventId) == null
          ? Future.failedFuture(
              ErrorCode.SERVICE_UNAVAILABLE.exception(
                  "No room-service instance owns this event right now; try again"))
          // Forwarded here just before the ring moved the event on: the caller's retry finds the
          // new owner.
          : Future.failedFuture(
              ErrorCode.SERVICE_UNAVAILABLE.exception(
                  "The event is moving to another instance; try again"));
    }
    return store
        .claim(eventId)
        .compose(
            lease -> {
              if (lease == null) {
                return Future.failedFuture(
                    ErrorCode.EVENT_NOT_FOUND.exception("No live event with id " + eventId));
              }
              if (!ownership.owns(eventId) || registry.find(eventId).isPresent()) {
                // The ring moved on while the claim was in flight; the new owner will claim it
                // again.
                return Future.failedFuture(
                    ErrorCode.SERVICE_UNAVAILABLE.exception(
                        "The event is moving to another instance; try again"));
              }
              RoomRegistry.Room taken = registry.restore(lease.data());
              leases.put(eventId, lease);
              long now = System.currentTimeMillis();
              taken.awayUntil().forEach((userId, until) -> armGrace(taken, userId, until - now));
              taken
                  .stage()
                  .inviteDeadlines()
                  .forEach((userId, expires) -> armInviteExpiry(eventId, userId, expires - now));
              LOG.atInfo()
                  .addKeyValue("event_id", eventId)
                  .addKeyValue("epoch", lease.epoch())
                  .log("room-service owns event");
              roles.tellDue(eventId, lease.data());
              Announcement unannounced = Announcement.in(lease.data());
              if (unannounced == null) {
                return Future.succeededFuture(taken);
              }
              // The previous owner wrote a change and may have died before announcing it: announce
              // it (again, perhaps: at least once), then write the record without it.
              LOG.atInfo()
                  .addKeyValue("event_id", eventId)
                  .addKeyValue("messages", unannounced.messages().size())
                  .log("room-service announces the last change the previous owner wrote");
              return announce(eventId, unannounced)
                  .compose(v -> persist(taken).recover(e -> Future.succeededFuture()))
                  .map(taken);
            });
  }

  /**
   * The ring changed: drops the events that moved elsewhere (their new owner takes them in from the
   * cluster copy) and takes in the events that moved here, so their timers run again at once.
   */
  public void ringChanged(OwnerRing ring) {
    for (RoomRegistry.Room room : registry.rooms()) {
      if (!ownership.owns(room.eventId())) {
        LOG.atInfo()
            .addKeyValue("event_id", room.eventId())
            .log("room-service no longer owns event: it moved");
        forget(room.eventId());
      }
    }
    if (!ring.contains(ownership.instanceId())) {
      return;
    }
    // The events this member has heard of first, at once; then the cluster's own list (a query
    // on every member, which waits for the partitions that move after a death) for any it missed.
    takeIn(store.knownKeys());
    long listing = System.nanoTime();
    store
        .keys()
        .onSuccess(
            keys -> {
              // How long the cluster took to list the live events (operations.md, recovery times).
              LOG.atInfo()
                  .addKeyValue("events", keys.size())
                  .addKeyValue("listed_ms", (System.nanoTime() - listing) / 1_000_000)
                  .log("room-service ring changed: live events listed");
              takeIn(keys);
            })
        .onFailure(
            e -> LOG.warn("could not list the live events to take over: {}", e.getMessage()));
  }

  /**
   * Takes in those of these events that are now this instance's, each in its event's turn (one
   * already taken in meanwhile is found held there and not claimed again).
   */
  private void takeIn(java.util.Collection<String> eventIds) {
    eventIds.forEach(
        eventId -> {
          if (ownership.owns(eventId) && registry.find(eventId).isEmpty()) {
            queue
                .submit(eventId, () -> room(eventId))
                .onFailure(
                    e ->
                        LOG.atDebug()
                            .addKeyValue("event_id", eventId)
                            .log("not taken in: {}", e.getMessage()));
          }
        });
  }

  /** Drops every event (this instance stops). */
  public void dropAll() {
    registry.rooms().forEach(room -> forget(room.eventId()));
  }

  /**
   * Forgets an event here: its timers, its lease, its room. The cluster copy stays for its owner.
   */
  private void forget(String eventId) {
    Set<Long> armed = timers.remove(eventId);
    if (armed != null) {
      armed.forEach(vertx::cancelTimer);
    }
    leases.remove(eventId);
    registry.remove(eventId);
    roles.forget(eventId);
  }

  /** How many events this instance holds ({@code podium_owned_events}). */
  public int ownedEvents() {
    return registry.size();
  }

  private void armInviteExpiry(String eventId, String targetId, long delayMillis) {
    arm(
        eventId,
        delayMillis,
        () ->
            onTimer(eventId, (r, s) -> s.inviteExpired(targetId, System.currentTimeMillis()))
                .onFailure(
                    e ->
                        LOG.atDebug()
                            .addKeyValue("event_id", eventId)
                            .log("invitation expiry not applied: {}", e.getMessage())));
  }

  /**
   * Every live event, read from the cluster copy (any instance answers; no instance is the list's
   * home).
   */
  @Override
  public Future<List<LiveEvent>> liveEvents() {
    return store
        .all()
        .map(
            rooms ->
                rooms.stream()
                    .map(json -> RoomRegistry.describe(json, false))
                    .sorted(java.util.Comparator.comparing(LiveEvent::startedAt))
                    .toList());
  }

  // --- the stage --------------------------------------------------------------------------------

  @Override
  public Future<Void> inviteCohost(String eventId, String actorId, String targetId) {
    long ttl = config.inviteTtl().toMillis();
    return onStageWith(
        eventId,
        targetId,
        (room, stage, target) -> {
          Stage.Outcome outcome = stage.invite(actorId, target, System.currentTimeMillis(), ttl);
          armInviteExpiry(eventId, targetId, ttl);
          return outcome;
        });
  }

  @Override
  public Future<Void> acceptCohost(String eventId, String userId) {
    // Asks presence who is accepting: a guest must never take a seat (Stage.accept(Person, ...)).
    return onStageWith(
        eventId, userId, (room, stage, person) -> stage.accept(person, System.currentTimeMillis()));
  }

  @Override
  public Future<Void> rejectCohost(String eventId, String userId) {
    return onStage(eventId, (room, stage) -> stage.reject(userId, System.currentTimeMillis()));
  }

  @Override
  public Future<Void> leaveCohost(String eventId, String userId) {
    return onStage(eventId, (room, stage) -> stage.leave(userId, " stepped down as co-host."));
  }

  @Override
  public Future<Void> removeCohost(String eventId, String actorId, String targetId) {
    return onStage(eventId, (room, stage) -> stage.removeCohost(actorId, targetId));
  }

  @Override
  public Future<Void> requestToSpeak(String eventId, String userId) {
    return onStageWith(eventId, userId, (room, stage, who) -> stage.requestToSpeak(who));
  }

  @Override
  public Future<Void> cancelRequest(String eventId, String userId) {
    return onStage(eventId, (room, stage) -> stage.cancelRequest(userId));
  }

  @Override
  public Future<Void> dismissRequest(String eventId, String actorId, String targetId) {
    return onStage(eventId, (room, stage) -> stage.dismissRequest(actorId, targetId));
  }

  @Override
  public Future<Void> mute(String eventId, String actorId, String targetId) {
    return onStage(eventId, (room, stage) -> stage.mute(actorId, targetId));
  }

  @Override
  public Future<Void> unmute(String eventId, String actorId, String targetId) {
    return onStage(eventId, (room, stage) -> stage.unmute(actorId, targetId));
  }

  @Override
  public Future<Void> removeParticipant(String eventId, String actorId, String targetId) {
    return onStageWith(
            eventId, targetId, (room, stage, target) -> stage.removeParticipant(actorId, target))
        // Once applied: the ban is part of the event's record.
        .onSuccess(
            v ->
                vertx
                    .eventBus()
                    .send(
                        Addresses.HISTORY_NOTICES,
                        HistoryNotice.banned(eventId, targetId, actorId, Instant.now())));
  }

  @Override
  public Future<Void> switchMode(String eventId, String actorId, String mode) {
    if (!"audio".equals(mode) && !"screen".equals(mode)) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception("mode must be audio or screen"));
    }
    return changeAndTell(
        eventId, LifecycleNotice.MODE_CHANGED, room -> room.stage().switchMode(actorId, mode));
  }

  @Override
  public Future<Void> startRecording(String eventId, String actorId) {
    return changeAndTell(
        eventId,
        LifecycleNotice.RECORDING_CHANGED,
        room -> room.stage().startRecording(actorId, registry.newId(), Instant.now()));
  }

  @Override
  public Future<Void> stopRecording(String eventId, String actorId) {
    return changeAndTell(
        eventId,
        LifecycleNotice.RECORDING_CHANGED,
        room -> room.stage().stopRecording(actorId, Instant.now()));
  }

  /**
   * A stage change the rest of the cluster follows (the mode: presence's active-streams list; a
   * recording: the recorders): applied and announced like any other, then a lifecycle notice of
   * {@code kind}. Once written, like every announcement: a refused write tells nobody.
   */
  private Future<Void> changeAndTell(
      String eventId,
      String kind,
      java.util.function.Function<RoomRegistry.Room, Stage.Outcome> change) {
    return queue.submit(
        eventId,
        CALLER_WAIT_NANOS,
        () ->
            room(eventId)
                .compose(
                    room ->
                        apply(room, change.apply(room))
                            .onSuccess(
                                v ->
                                    vertx
                                        .eventBus()
                                        .publish(
                                            Addresses.ROOM_LIFECYCLE,
                                            LifecycleNotice.of(
                                                kind, RoomRegistry.describe(room).toJson())))));
  }

  // --- plumbing ---------------------------------------------------------------------------------

  @FunctionalInterface
  private interface StageOperation {
    /** Applies the operation (or throws the refusal); null means nothing happened. */
    Stage.Outcome apply(RoomRegistry.Room room, Stage stage);
  }

  @FunctionalInterface
  private interface StageOperationOn {
    Stage.Outcome apply(RoomRegistry.Room room, Stage stage, Stage.Person person);
  }

  /** A caller's stage operation, in the event's turn (refused if that turn came too late). */
  private Future<Void> onStage(String eventId, StageOperation operation) {
    return queue.submit(
        eventId,
        CALLER_WAIT_NANOS,
        () -> room(eventId).compose(room -> apply(room, operation.apply(room, room.stage()))));
  }

  /**
   * A stage operation of the event's own timers (grace, invitation expiry): nobody waits for it.
   */
  private Future<Void> onTimer(String eventId, StageOperation operation) {
    return queue.submit(
        eventId,
        () -> room(eventId).compose(room -> apply(room, operation.apply(room, room.stage()))));
  }

  /**
   * Like {@link #onStage}, first asking presence about {@code userId} (still in the event's turn).
   */
  private Future<Void> onStageWith(String eventId, String userId, StageOperationOn operation) {
    if (userId == null || userId.isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception("a participant id is required"));
    }
    return queue.submit(
        eventId,
        CALLER_WAIT_NANOS,
        () ->
            room(eventId)
                .compose(
                    room ->
                        presence
                            .participant(eventId, userId)
                            .map(
                                p -> new Stage.Person(p.userId(), p.username(), p.verified(), true))
                            .recover(
                                e ->
                                    ErrorCode.of(e) == ErrorCode.NOT_IN_ROOM
                                        ? Future.succeededFuture(
                                            new Stage.Person(userId, userId, false, false))
                                        : Future.failedFuture(e))
                            .compose(
                                person ->
                                    apply(room, operation.apply(room, room.stage(), person)))));
  }

  /**
   * Stores the changed room in the cluster, then publishes the outcome's room messages, before the
   * next operation of the event runs; presence hears of role changes after ({@link PresenceRoles}).
   */
  private Future<Void> apply(RoomRegistry.Room room, Stage.Outcome outcome) {
    if (outcome == null || (outcome.effects().isEmpty() && outcome.roleChanges().isEmpty())) {
      return Future.succeededFuture();
    }
    String eventId = room.eventId();
    Announcement pending = Announcement.of(outcome);
    // The change and what it must announce are written together, and what it announced is written
    // away after: an owner killed in between leaves it to the instance that takes the event in.
    return persist(room, pending)
        .compose(v -> announce(eventId, pending))
        .compose(v -> persist(room).recover(e -> Future.succeededFuture()));
  }

  private Future<Void> announce(String eventId, Announcement pending) {
    for (Announcement.Publication p : pending.messages()) {
      roomChannel.publish(eventId, p.body(), p.routing());
    }
    if (pending.roleUser() != null) {
      roles.tell(eventId, pending.roleUser());
    }
    return Future.succeededFuture();
  }

  /** Ends the event: removes its cluster copy (fenced), then tells the room and the cluster. */
  private Future<Void> endEvent(RoomRegistry.Room room, String message, String reason) {
    String eventId = room.eventId();
    FencedStore.Lease lease = leases.get(eventId);
    if (lease == null) {
      return Future.failedFuture(
          ErrorCode.EVENT_NOT_FOUND.exception("No live event with id " + eventId));
    }
    return store
        .remove(lease)
        .recover(e -> fenced(eventId, room, e))
        .compose(
            v -> {
              forget(eventId);
              hosts().compose(hosts -> hosts.removeIfPresent(room.hostUserId(), eventId));
              LOG.atInfo().addKeyValue("event_id", eventId).log("event ended");
              // event.id, not event_id: today's host page takes any message with event_id for the
              // stream link.
              ServerMessage ended =
                  new ServerMessage.StreamEnded(new ServerMessage.EventRef(eventId), message);
              roomChannel.publish(
                  eventId,
                  ProtocolCodec.toJson(ended),
                  RoomMessageRouting.ROOM.closingRecipients(true));
              vertx
                  .eventBus()
                  .publish(
                      Addresses.ROOM_LIFECYCLE,
                      LifecycleNotice.ended(
                          RoomRegistry.describe(room).toJson(), reason, Instant.now()));
              return Future.succeededFuture();
            });
  }

  private Future<AsyncMap<String, String>> hosts() {
    return vertx.sharedData().getAsyncMap(HOSTS);
  }

  private void notice(String eventId, String message) {
    roomChannel.publish(eventId, ProtocolCodec.toJson(new ServerMessage.BroadcastMessage(message)));
  }
}
