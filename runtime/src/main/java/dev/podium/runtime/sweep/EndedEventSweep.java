package dev.podium.runtime.sweep;

import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Removes what ended events left in the cluster when the notice of their end was missed: the
 * service that keeps the data was down when the event ended, or a write still in flight landed
 * after the clean-up (a late chat message, a screen segment, an owner record). Services remove
 * their per-event data on the {@code ended} lifecycle notice; this sweep is the backstop that keeps
 * the cluster from growing with every event all the same.
 *
 * <p>Each run lists the events that hold data first, then asks which events are live. Event ids are
 * never reused, so an event listed as holding data but not live has ended, while one that started
 * after the listing cannot be among the listed. An event is removed only when two runs in a row
 * found it not live, so one wrong answer (an instance standing down while answering) never costs a
 * live event its data.
 */
public final class EndedEventSweep {
  private final Supplier<Future<Set<String>>> holding;
  private final Supplier<Future<Set<String>>> live;
  private final Function<String, Future<?>> remove;

  /** Events found holding data but not live by the previous run. */
  private Set<String> suspects = Set.of();

  private boolean running;

  /**
   * @param holding the events that hold data now
   * @param live the live events (the room-service's list)
   * @param remove removes one ended event's data
   */
  public EndedEventSweep(
      Supplier<Future<Set<String>>> holding,
      Supplier<Future<Set<String>>> live,
      Function<String, Future<?>> remove) {
    this.holding = holding;
    this.live = live;
    this.remove = remove;
  }

  /**
   * One run; completes with the events whose data it removed. A run that cannot list or cannot
   * learn the live events removes nothing and forgets its suspects. Runs do not overlap: a run
   * started while one is going removes nothing.
   */
  public Future<Set<String>> run() {
    if (running) {
      return Future.succeededFuture(Set.of());
    }
    running = true;
    return holding
        .get()
        .compose(
            held ->
                held.isEmpty()
                    ? Future.succeededFuture(Set.<String>of())
                    : live.get()
                        .map(
                            liveNow -> {
                              Set<String> ended = new HashSet<>(held);
                              ended.removeAll(liveNow);
                              return ended;
                            }))
        .compose(
            ended -> {
              Set<String> confirmed = new HashSet<>(ended);
              confirmed.retainAll(suspects);
              suspects = ended;
              List<Future<?>> removals = confirmed.stream().<Future<?>>map(remove).toList();
              return Future.join(removals).otherwiseEmpty().map(v -> confirmed);
            })
        .onFailure(e -> suspects = Set.of())
        .onComplete(ar -> running = false);
  }
}
