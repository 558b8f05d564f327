package dev.podium.room;

import dev.podium.api.Addresses;
import dev.podium.api.ErrorCode;
import dev.podium.api.LifecycleNotice;
import dev.podium.api.RoomEventHeaders;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room-service behind its proxy: lifecycle on top of {@link RoomRegistry}, host grace
 * timers, and the room events and lifecycle notices those produce.
 */
public final class RoomServiceImpl implements RoomService {
  private static final Logger LOG = LoggerFactory.getLogger(RoomServiceImpl.class);

  private final Vertx vertx;
  private final RoomConfig config;
  private final RoomRegistry registry;

  public RoomServiceImpl(Vertx vertx, RoomConfig config, RoomRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
  }

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
    return registry.find(eventId)
        .map(r -> Future.succeededFuture(RoomRegistry.describe(r)))
        .orElseGet(() -> Future.failedFuture(ErrorCode.EVENT_NOT_FOUND.exception("No live event with id " + eventId)));
  }

  @Override
  public Future<Void> end(String eventId, String userId) {
    RoomRegistry.Room room = registry.find(eventId).orElse(null);
    if (room == null) {
      return Future.failedFuture(ErrorCode.EVENT_NOT_FOUND.exception("No live event with id " + eventId));
    }
    if (!room.hostUserId().equals(userId)) {
      return Future.failedFuture(ErrorCode.NOT_HOST.exception("Only the host can end the event"));
    }
    endEvent(eventId, "The host has ended the live event.");
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> hostPresence(String eventId, boolean present) {
    registry.find(eventId).ifPresent(room -> {
      if (present && room.graceTimer() >= 0) {
        vertx.cancelTimer(room.graceTimer());
        room.graceTimer(-1);
        notice(eventId, "The host is back.");
      } else if (!present && room.graceTimer() < 0) {
        long grace = config.hostGrace().toMillis();
        room.graceTimer(vertx.setTimer(Math.max(1, grace),
            id -> endEvent(eventId, "The host's connection was lost; the live event has ended.")));
        notice(eventId, "The host lost connection. The event ends in " + Math.round(grace / 1000.0)
            + " s unless they return.");
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<List<LiveEvent>> liveEvents() {
    return Future.succeededFuture(registry.live());
  }

  private void endEvent(String eventId, String message) {
    registry.remove(eventId).ifPresent(room -> {
      if (room.graceTimer() >= 0) {
        vertx.cancelTimer(room.graceTimer());
      }
      LOG.atInfo().addKeyValue("event_id", eventId).log("event ended");
      JsonObject ended = new JsonObject().put("type", "stream_ended").put("event_id", eventId).put("message", message);
      vertx.eventBus().publish(Addresses.roomEvents(eventId), ended,
          new DeliveryOptions().addHeader(RoomEventHeaders.CLOSES_ROOM, "true"));
      vertx.eventBus().publish(Addresses.ROOM_LIFECYCLE,
          LifecycleNotice.of(LifecycleNotice.ENDED, RoomRegistry.describe(room).toJson()));
    });
  }

  private void notice(String eventId, String message) {
    vertx.eventBus().publish(Addresses.roomEvents(eventId),
        new JsonObject().put("type", "broadcast_message").put("message", message));
  }
}
