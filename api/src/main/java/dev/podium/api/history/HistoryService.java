package dev.podium.api.history;

import dev.podium.api.Addresses;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;

/**
 * The record of events after the fact, read from the database (docs/storage.md). Every call names
 * who asks: only an event's host may read its record. Fails with {@code event_not_found} when the
 * database knows no such event, {@code not_host} when the caller is not its host, {@code
 * bad_request} for a bad page, {@code service_unavailable} when the database does not answer.
 */
@ProxyGen
public interface HistoryService {

  /** Most events one page of {@link #events} returns. */
  int MAX_PAGE = 100;

  /** Most messages {@link #recentChat} returns (the largest chat ring, PODIUM_CHAT_HISTORY). */
  int MAX_RECENT_CHAT = 100_000;

  static HistoryService createProxy(Vertx vertx) {
    return createProxyWithTimeout(vertx, 5000);
  }

  /** A proxy whose calls fail with a timeout after {@code timeoutMs}. */
  static HistoryService createProxyWithTimeout(Vertx vertx, long timeoutMs) {
    return new ServiceProxyBuilder(vertx)
        .setAddress(Addresses.HISTORY_SERVICE)
        .setOptions(new DeliveryOptions().setSendTimeout(timeoutMs))
        .build(HistoryService.class);
  }

  /**
   * The host's events, newest first: {@code {events:[summary, ...], next}}; {@code next} is the
   * cursor of the following page ({@code before}), or null on the last one. {@code before} null
   * starts at the newest.
   */
  Future<JsonObject> events(String hostId, String before, int limit);

  /**
   * One event's summary: {@code {event_id, host:{user_id, username}, title, mode, started_at,
   * ended_at, end_reason, live, duration_seconds, peak_listeners, unique_listeners, visits,
   * chat_messages, bans, recordings:[{recording_id, started_at, stopped_at, duration_seconds,
   * bytes, gaps:[{from_ms, to_ms}]}]}}.
   */
  Future<JsonObject> event(String eventId, String requesterId);

  /**
   * The transcript, oldest first: {@code {messages:[{id, user_id, username, message, timestamp}],
   * next}} with the messages whose id is above {@code after}; {@code next} is the {@code after} of
   * the following page, or null on the last one.
   */
  Future<JsonObject> chat(String eventId, String requesterId, long after, int limit);

  /**
   * Who was in, from when to when, with which roles: {@code {attendance:[{user_id, username, roles,
   * joined_at, left_at}], offset, limit, total}}, by time of joining.
   */
  Future<JsonObject> attendance(String eventId, String requesterId, int offset, int limit);

  /**
   * One recording of the event, for streaming it: {@code {recording_id, file, bytes, duration_ms,
   * started_at, stopped_at}}; the latest when {@code recordingId} is null. Fails with {@code
   * not_found} when the event has no such recording.
   */
  Future<JsonObject> recording(String eventId, String requesterId, String recordingId);

  /**
   * For the chat-service, not for users (no requester: it never leaves the cluster): the record's
   * highest chat id of the event and its last {@code limit} messages, oldest first, {@code
   * {last_id, messages:[{id, user_id, username, message, timestamp}]}}; {@code last_id} is 0 when
   * the record has no line. The chat-service numbers on from it, and refills a lost ring with the
   * messages.
   */
  Future<JsonObject> recentChat(String eventId, int limit);
}
