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
    if (!result.resumed()) {
      LOG.atInfo().addKeyValue("event_id", event.eventId()).addKeyValue("user_id", userId).log("event started");
      vertx.eventBus().publish(Addresses.ROOM_LIFECYCLE, LifecycleNotice.of(LifecycleNotice.STARTED, event.toJson()));
    }
    return Future.succeededFuture(event);
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
        if (timer != null) {
          vertx.cancelTimer(timer);
          if (isHost) {
            notice(eventId, "The host is back.");
          }
        }
      } else if ((isHost || room.stage().isCohost(userId)) && !away.containsKey(userId)) {
        long grace = Math.max(1, config.reconnectGrace().toMillis());
        away.put(userId, vertx.setTimer(grace, id -> graceOver(eventId, userId, isHost)));
        if (isHost) {
          notice(eventId, "The host lost connection. The event ends in " + Math.round(grace / 1000.0)
              + " s unless they return.");
        }
      }
      return Future.succeededFuture();
    });
  }

  private void graceOver(String eventId, String userId, boolean isHost) {
    if (isHost) {
      endEvent(eventId, "The host's connection was lost; the live event has ended.");
      return;
    }
    onStage(eventId, (room, stage) -> {
      room.awayTimers().remove(userId);
      return stage.isCohost(userId) ? stage.leave(userId, " left the stage (connection lost).") : null;
    });
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
      vertx.setTimer(Math.max(1, ttl), id -> onStage(eventId, (r, s) -> s.inviteExpired(targetId, System.currentTimeMillis())));
      return outcome;
    });
  }

  @Override
  public Future<Void> acceptCohost(String eventId, String userId) {
    return onStage(eventId, (room, stage) -> stage.accept(userId, System.currentTimeMillis()));
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
    return queue.submit(eventId, () -> room(eventId).compose(room -> apply(eventId, operation.apply(room, room.stage()))));
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
        .compose(person -> apply(eventId, operation.apply(room, room.stage(), person)))));
  }

  /** Publishes the outcome's room events and tells presence of role changes before the next operation runs. */
  private Future<Void> apply(String eventId, Stage.Outcome outcome) {
    if (outcome == null) {
      return Future.succeededFuture();
    }
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
      room.awayTimers().values().forEach(vertx::cancelTimer);
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
