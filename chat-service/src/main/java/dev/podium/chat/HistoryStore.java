package dev.podium.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Where an event's chat history lives: bounded, newest kept, each entry numbered. */
interface HistoryStore {
  /** The event has just gone live: it has no history anywhere, its ids start at 1. */
  void begin(String eventId);

  /** Appends the entry and returns its id (1, 2, 3, ... per event). */
  Future<Long> append(String eventId, JsonObject entry);

  /** The retained entries, oldest first. */
  Future<JsonArray> read(String eventId);

  void forget(String eventId);
}
