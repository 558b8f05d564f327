package dev.podium.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Where an event's chat history lives: bounded, newest kept, each entry numbered. */
interface HistoryStore {
  /** The event has just gone live: it has no history anywhere, its ids start at 1. */
  void begin(String eventId);

  /**
   * Takes the event's next {@code count} message ids (1, 2, 3, ... per event) before the messages
   * are stored, and returns the first; the caller asks once at a time per event, so ids follow the
   * order messages were accepted in.
   */
  Future<Long> nextIds(String eventId, int count);

  /** Stores the entry under its id; writes may finish in any order. */
  Future<Void> store(String eventId, long id, JsonObject entry);

  /** The retained entries, oldest first. */
  Future<JsonArray> read(String eventId);

  void forget(String eventId);
}
