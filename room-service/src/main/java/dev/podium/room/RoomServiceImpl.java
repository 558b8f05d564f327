package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.RoomEventHeaders;
import dev.podium.api.presence.PresenceService;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room-service behind its proxy: event lifecycle on {@link RoomRegistry}, every stage rule
 * through {@link Stage}, reconnect-grace and invitation timers, and the room events all of that
 * produces. Operations of one event run one at a time ({@link EventQueue}).
 */
public final class RoomServiceImpl implements RoomService {
  private static final Logger LOG = LoggerFactory.getLogger(RoomServiceImpl.class);

  private final Vertx vertx;
  private final RoomConfig config;
  private final RoomRegistry registry;
  private final PresenceService presence;
  private final EventQueue queue = new EventQueue();
  /** Timers this instance armed (grace, invitation expiry), cancelled when it stops being active. */
  private final java.util.Set<Long> timers = new java.util.HashSet<>();
  private static final String STORE = "podium.rooms";

  public RoomServiceImpl(Vertx vertx, RoomConfig config, RoomRegistry registry, PresenceService presence) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.presence = presence;
  }

  // --- lifecycle ------------------------------------------------------------------------------

  @Override
  public Future<LiveEvent> goLive(String userId, String username) {
    if (userId == null || userId.isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception("user id is required"));
    }
    RoomRegistry.GoLive result = registry.goLive(userId, username == null || username.isBlank() ? userId : username);
    LiveEvent event = result.event();
    if (result.resumed()) {
      return Future.succeededFuture(event);
    }
    return persist(result.room()).map(v -> {
      LOG.atInfo().addKeyValue("event_id", event.eventId()).addKeyValue("user_id", userId).log("event started");
      vertx.eventBus().publish(Addresses.ROOM_LIFECYCLE, LifecycleNotice.of(LifecycleNotice.STARTED, event.toJson()));
      return event;
    });
  }

  @Override
  public Future<LiveEvent> find(String eventId) {
    return room(eventId).map(RoomRegistry::describe);
  }

  @Override
  public Future<JsonObject> admit(String eventId, String userId, boolean verified) {
    return room(eventId).map(room -> {
      String role = room.stage().admit(userId, verified);
      return new JsonObject()
          .put("event", RoomRegistry.describe(room).toJson())
          .put("role", role)
          .put("stage", room.stage().stateFor(userId));
    });
  }

  @Override
  public Future<Void> end(String eventId, String userId) {
    return queue.submit(eventId, () -> room(eventId).compose(room -> {
      if (!room.hostUserId().equals(userId)) {
        return Future.failedFuture(ErrorCode.NOT_HOST.exception("Only the host can end the event"));
      }
      endEvent(eventId, "The host has ended the live event.");
      return Future.<Void>succeededFuture();
    }));
  }

  @Override
  public Future<Void> presence(String eventId, String userId, boolean present) {
    return queue.submit(eventId, () -> {
      RoomRegistry.Room room = registry.find(eventId).orElse(null);
      if (room == null) {
        return Future.succeededFuture();
      }
      boolean isHost = room.hostUserId().equals(userId);
      Map<String, Long> away = room.awayTimers();
      if (present) {
        // Cancelled whatever the user's role is now: a timer from an earlier stint on stage must not fire later.
        Long timer = away.remove(userId);
        room.awayUntil().remove(userId);
        if (timer != null) {
          cancel(timer);
          if (isHost) {
            notice(eventId, "The host is back.");
          }
          return persist(room);
        }
      } else if ((isHost || room.stage().isCohost(userId)) && !away.containsKey(userId)) {
        long grace = Math.max(1, config.reconnectGrace().toMillis());
        room.awayUntil().put(userId, System.currentTimeMillis() + grace);
        armGrace(room, userId, grace);
        if (isHost) {
          notice(eventId, "The host lost connection. The event ends in " + Math.round(grace / 1000.0)
              + " s unless they return.");
        }
        return persist(room);
      }
      return Future.succeededFuture();
    });
  }

  private void armGrace(RoomRegistry.Room room, String userId, long delayMillis) {
    boolean isHost = room.hostUserId().equals(userId);
    room.awayTimers().put(userId, arm(delayMillis, () -> graceOver(room.eventId(), userId, isHost)));
  }

  private void graceOver(String eventId, String userId, boolean isHost) {
    if (isHost) {
      endEvent(eventId, "The host's connection was lost; the live event has ended.");
      return;
    }
    onStage(eventId, (room, stage) -> {
      room.awayTimers().remove(userId);
      room.awayUntil().remove(userId);
      return stage.isCohost(userId) ? stage.leave(userId, " left the stage (connection lost).") : Stage.Outcome.of();
    });
  }

  /** A one-shot timer this instance owns (cancelled if it stops being the active instance). */
  private long arm(long delayMillis, Runnable action) {
    long[] id = new long[1];
    id[0] = vertx.setTimer(Math.max(1, delayMillis), t -> {
      timers.remove(id[0]);
      action.run();
    });
    timers.add(id[0]);
    return id[0];
  }

  private void cancel(long timer) {
    vertx.cancelTimer(timer);
    timers.remove(timer);
  }

  // --- the cluster copy -------------------------------------------------------------------------

  /** Writes the room to the cluster map (one backup), so a standby can take over with it. */
  private Future<Void> persist(RoomRegistry.Room room) {
    if (registry.find(room.eventId()).orElse(null) != room) {
      // The event ended while this operation waited (for presence, say): writing the room back
      // would leave an entry nobody removes, a ghost room that a takeover would even bring back.
      return Future.failedFuture(ErrorCode.EVENT_NOT_FOUND.exception("No live event with id " + room.eventId()));
    }
    return vertx.sharedData().<String, JsonObject>getAsyncMap(STORE).compose(map -> map.put(room.eventId(), room.toJson()));
  }

  /**
   * Becomes the active instance: loads every live room from the cluster copy and re-arms its
   * timers (grace periods, invitation expiry) from the deadlines stored with it.
   */
  public Future<Void> activate() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(STORE)
        .compose(map -> map.entries())
        .map(entries -> {
          long now = System.currentTimeMillis();
          entries.values().forEach(json -> {
            RoomRegistry.Room room = registry.restore(json);
            room.awayUntil().forEach((userId, until) -> armGrace(room, userId, until - now));
            room.stage().inviteDeadlines().forEach((userId, expires) -> armInviteExpiry(room.eventId(), userId, expires - now));
          });
          if (!entries.isEmpty()) {
            LOG.info("took over {} live events from the cluster copy", entries.size());
          }
          return null;
        });
  }

  /** Stops being the active instance: another one has the rooms now. */
  public void deactivate() {
    new java.util.ArrayList<>(timers).forEach(this::cancel);
    registry.clear();
  }

  private void armInviteExpiry(String eventId, String targetId, long delayMillis) {
    arm(delayMillis, () -> onStage(eventId, (r, s) -> s.inviteExpired(targetId, System.currentTimeMillis())));
  }

  @Override
  public Future<List<LiveEvent>> liveEvents() {
    return Future.succeededFuture(registry.live());
  }

  // --- the stage --------------------------------------------------------------------------------

  @Override
  public Future<Void> inviteCohost(String eventId, String actorId, String targetId) {
    long ttl = config.inviteTtl().toMillis();
    return onStageWith(eventId, targetId, (room, stage, target) -> {
      Stage.Outcome outcome = stage.invite(actorId, target, System.currentTimeMillis(), ttl);
      armInviteExpiry(eventId, targetId, ttl);
      return outcome;
    });
  }

  @Override
  public Future<Void> acceptCohost(String eventId, String userId) {
    // Asks presence who is accepting: a guest must never take a seat (Stage.accept(Person, ...)).
    return onStageWith(eventId, userId, (room, stage, person) -> stage.accept(person, System.currentTimeMillis()));
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
    return onStageWith(eventId, targetId, (room, stage, target) -> stage.removeParticipant(actorId, target));
  }

  @Override
  public Future<Void> switchMode(String eventId, String actorId, String mode) {
    if (!"audio".equals(mode) && !"screen".equals(mode)) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception("mode must be audio or screen"));
    }
    return onStage(eventId, (room, stage) -> {
      Stage.Outcome outcome = stage.switchMode(actorId, mode);
      vertx.eventBus().publish(Addresses.ROOM_LIFECYCLE,
          LifecycleNotice.of(LifecycleNotice.MODE_CHANGED, RoomRegistry.describe(room).toJson()));
      return outcome;
    });
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

  private Future<Void> onStage(String eventId, StageOperation operation) {
    return queue.submit(eventId, () -> room(eventId).compose(room -> apply(room, operation.apply(room, room.stage()))));
  }

  /** Like {@link #onStage}, first asking presence about {@code userId} (still in the event's turn). */
  private Future<Void> onStageWith(String eventId, String userId, StageOperationOn operation) {
    if (userId == null || userId.isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.exception("a participant id is required"));
    }
    return queue.submit(eventId, () -> room(eventId).compose(room -> presence.participant(eventId, userId)
        .map(p -> new Stage.Person(p.userId(), p.username(), p.verified(), true))
        .recover(e -> ErrorCode.of(e) == ErrorCode.NOT_IN_ROOM
            ? Future.succeededFuture(new Stage.Person(userId, userId, false, false))
            : Future.failedFuture(e))
        .compose(person -> apply(room, operation.apply(room, room.stage(), person)))));
  }

  /**
   * Stores the changed room in the cluster, then publishes the outcome's room events and tells
   * presence of role changes, all before the next operation of the event runs.
   */
  private Future<Void> apply(RoomRegistry.Room room, Stage.Outcome outcome) {
    if (outcome == null || (outcome.effects().isEmpty() && outcome.roleChanges().isEmpty())) {
      return Future.succeededFuture();
    }
    String eventId = room.eventId();
    return persist(room).compose(v -> announce(eventId, outcome));
  }

  private Future<Void> announce(String eventId, Stage.Outcome outcome) {
    Map.Entry<String, String> roleChange = outcome.roleChanges().isEmpty()
        ? null : outcome.roleChanges().entrySet().iterator().next();
    for (Stage.Effect effect : outcome.effects()) {
      DeliveryOptions options = new DeliveryOptions();
      if (effect.toUser() != null) {
        options.addHeader(RoomEventHeaders.TO_USER, effect.toUser());
      }
      if (effect.closeRecipients()) {
        options.addHeader(RoomEventHeaders.CLOSE_RECIPIENTS, "true");
      }
      if (roleChange != null) {
        options.addHeader(RoomEventHeaders.ROLE_USER, roleChange.getKey()).addHeader(RoomEventHeaders.ROLE, roleChange.getValue());
      }
      String type = effect.message().getString("type");
      if ("muted".equals(type) || "unmuted".equals(type)) {
        options.addHeader(RoomEventHeaders.MUTED_USER, effect.message().getString("participant_id"))
            .addHeader(RoomEventHeaders.MUTED, String.valueOf("muted".equals(type)));
      } else if ("stream_mode_changed".equals(type)) {
        options.addHeader(RoomEventHeaders.MODE,
            "switching_to_screen_sharing".equals(effect.message().getString("mode")) ? "screen" : "audio");
      }
      vertx.eventBus().publish(Addresses.roomEvents(eventId), effect.message(), options);
    }
    if (roleChange == null) {
      return Future.succeededFuture();
    }
    return presence.setRole(eventId, roleChange.getKey(), roleChange.getValue())
        .recover(e -> {
          LOG.atWarn().addKeyValue("event_id", eventId).log("presence not told of a role change: {}", e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<RoomRegistry.Room> room(String eventId) {
    return registry.find(eventId)
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ErrorCode.EVENT_NOT_FOUND.exception("No live event with id " + eventId)));
  }

  private void endEvent(String eventId, String message) {
    registry.remove(eventId).ifPresent(room -> {
      room.awayTimers().values().forEach(this::cancel);
      vertx.sharedData().<String, JsonObject>getAsyncMap(STORE).compose(map -> map.remove(eventId));
      LOG.atInfo().addKeyValue("event_id", eventId).log("event ended");
      JsonObject ended = new JsonObject().put("type", "stream_ended").put("event_id", eventId).put("message", message);
      vertx.eventBus().publish(Addresses.roomEvents(eventId), ended,
          new DeliveryOptions().addHeader(RoomEventHeaders.CLOSE_RECIPIENTS, "true"));
      vertx.eventBus().publish(Addresses.ROOM_LIFECYCLE,
          LifecycleNotice.of(LifecycleNotice.ENDED, RoomRegistry.describe(room).toJson()));
    });
  }

  private void notice(String eventId, String message) {
    vertx.eventBus().publish(Addresses.roomEvents(eventId),
        new JsonObject().put("type", "broadcast_message").put("message", message));
  }
}
