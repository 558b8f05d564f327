package dev.podium.gateway.ws;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Whether this gateway node wants Opus for an event: while any of its sockets in the event takes
 * Opus (on any event loop), the node says so on {@code podium.media.<eventId>.demand} at once on the
 * first, every {@link #REPEAT_MS} in between (relays forget after 3 s) and at once when the last
 * one goes, so that the owning relay encodes Opus only while someone listens. Confined to the
 * node's room thread; time comes from {@link Timers}, so tests run it on a virtual clock.
 */
final class OpusDemand {
  static final long REPEAT_MS = 1_000;

  /** The periodic timers this needs (Vert.x's in production). */
  interface Timers {
    long every(long millis, Runnable action);

    void cancel(long id);
  }

  private static final class Demand {
    int listeners;
    long timer;
  }

  private final Timers timers;
  private final BiConsumer<String, Boolean> announce;
  private final Map<String, Demand> byEvent = new HashMap<>();

  /** {@code announce(eventId, opus)} publishes the node's demand. */
  OpusDemand(Timers timers, BiConsumer<String, Boolean> announce) {
    this.timers = timers;
    this.announce = announce;
  }

  /** An Opus listener of the event arrived on this node. */
  void added(String eventId) {
    Demand demand = byEvent.computeIfAbsent(eventId, e -> new Demand());
    if (demand.listeners++ == 0) {
      announce.accept(eventId, true);
      demand.timer = timers.every(REPEAT_MS, () -> announce.accept(eventId, true));
    }
  }

  /** An Opus listener of the event left this node. */
  void removed(String eventId) {
    Demand demand = byEvent.get(eventId);
    if (demand != null && --demand.listeners == 0) {
      stop(eventId);
    }
  }

  /** The node stopped receiving the event: no more demand, whoever was counted. */
  void stop(String eventId) {
    Demand demand = byEvent.remove(eventId);
    if (demand != null) {
      timers.cancel(demand.timer);
      announce.accept(eventId, false);
    }
  }

  int listeners(String eventId) {
    Demand demand = byEvent.get(eventId);
    return demand == null ? 0 : demand.listeners;
  }
}
