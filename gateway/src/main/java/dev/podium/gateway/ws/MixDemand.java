package dev.podium.gateway.ws;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether this gateway node wants an event's room mix, and whether in Opus. A node wants the mix
 * while it holds a socket in the event of anyone but the host: the host's own mix-minus is silence
 * until somebody else is there, so a room whose only socket is its host's streams to nobody and its
 * relay publishes nothing. Opus is wanted while a socket takes Opus. The node announces its demand
 * on {@code podium.media.demand.<eventId>} at once when it changes and again every {@link
 * #REPEAT_MS} for every event it wants (relays forget an announcement after 3 s), on one timer for
 * all events. Confined to the node's room thread; time comes from {@link Timers}, so tests run it
 * on a virtual clock.
 */
final class MixDemand {
  static final long REPEAT_MS = 1_000;

  /** The periodic timer this needs (Vert.x's in production). */
  interface Timers {
    long every(long millis, Runnable action);

    void cancel(long id);
  }

  /** Publishes the node's demand for an event. */
  interface Announcer {
    void announce(String eventId, boolean mix, boolean opus);
  }

  private static final class Demand {
    /** Sockets of the event on this node that are not its host's. */
    int hearers;

    /** Of those, the sockets that take Opus. */
    int opus;

    boolean mix() {
      return hearers > 0;
    }

    boolean wantsOpus() {
      return opus > 0;
    }
  }

  private final Timers timers;
  private final Announcer announcer;
  private final Map<String, Demand> byEvent = new HashMap<>();

  /** Events with {@link Demand#mix()} true: the repeat timer runs while this is above 0. */
  private int wanted;

  private long repeatTimer = -1;

  MixDemand(Timers timers, Announcer announcer) {
    this.timers = timers;
    this.announcer = announcer;
  }

  /**
   * A socket of the event arrived on this node. The host's socket counts for neither: it only ever
   * gets its mix-minus, which is never Opus.
   */
  void added(String eventId, boolean host, boolean opus) {
    if (!host) {
      change(eventId, 1, opus ? 1 : 0);
    }
  }

  /** A socket of the event left this node. */
  void removed(String eventId, boolean host, boolean opus) {
    if (!host && byEvent.containsKey(eventId)) {
      change(eventId, -1, opus ? -1 : 0);
    }
  }

  /** The node stopped receiving the event: no more demand, whoever was counted. */
  void stop(String eventId) {
    Demand demand = byEvent.remove(eventId);
    if (demand != null && demand.mix()) {
      wanted--;
      announcer.announce(eventId, false, false);
    }
    stopTimerIfIdle();
  }

  boolean wantsMix(String eventId) {
    Demand demand = byEvent.get(eventId);
    return demand != null && demand.mix();
  }

  int opusListeners(String eventId) {
    Demand demand = byEvent.get(eventId);
    return demand == null ? 0 : demand.opus;
  }

  private void change(String eventId, int hearers, int opus) {
    Demand demand = byEvent.computeIfAbsent(eventId, e -> new Demand());
    boolean mixBefore = demand.mix();
    boolean opusBefore = demand.wantsOpus();
    demand.hearers = Math.max(0, demand.hearers + hearers);
    demand.opus = Math.max(0, demand.opus + opus);
    if (demand.mix() != mixBefore) {
      wanted += demand.mix() ? 1 : -1;
    }
    if (demand.mix() != mixBefore || demand.wantsOpus() != opusBefore) {
      announcer.announce(eventId, demand.mix(), demand.wantsOpus());
    }
    if (wanted > 0 && repeatTimer < 0) {
      repeatTimer = timers.every(REPEAT_MS, this::repeat);
    }
    stopTimerIfIdle();
  }

  private void repeat() {
    byEvent.forEach(
        (eventId, demand) -> {
          if (demand.mix()) {
            announcer.announce(eventId, true, demand.wantsOpus());
          }
        });
  }

  private void stopTimerIfIdle() {
    if (repeatTimer >= 0 && wanted == 0) {
      timers.cancel(repeatTimer);
      repeatTimer = -1;
    }
  }
}
