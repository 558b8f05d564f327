package dev.podium.runtime.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sweep's rules, with the cluster and the room-service played by plain sets. */
class EndedEventSweepTest {
  private final Set<String> held = new HashSet<>();
  private final Set<String> live = new HashSet<>();
  private final List<String> removed = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private boolean liveFails;

  private final EndedEventSweep sweep =
      new EndedEventSweep(
          () -> {
            calls.add("holding");
            return Future.succeededFuture(Set.copyOf(held));
          },
          () -> {
            calls.add("live");
            return liveFails
                ? Future.failedFuture("room-service unavailable")
                : Future.succeededFuture(Set.copyOf(live));
          },
          id -> {
            removed.add(id);
            held.remove(id);
            return Future.succeededFuture();
          });

  private Set<String> run() {
    return sweep.run().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void anEndedEventsDataIsRemovedOnTheSecondRunThatFindsItNotLive() {
    held.addAll(Set.of("a", "b"));
    live.add("a");
    assertEquals(Set.of(), run(), "one run is not enough");
    assertEquals(Set.of("b"), run());
    assertEquals(List.of("b"), removed);
    assertEquals(Set.of("a"), held, "the live event keeps its data");
  }

  @Test
  void theHoldersAreListedBeforeTheLiveEventsAreAsked() {
    held.add("a");
    run();
    assertEquals(List.of("holding", "live"), calls);
  }

  @Test
  void oneWrongAnswerDoesNotCostALiveEventItsData() {
    held.addAll(Set.of("a", "b"));
    live.addAll(Set.of("a", "b"));
    run();
    live.clear(); // an instance standing down answers with nothing once
    assertEquals(Set.of(), run());
    live.addAll(Set.of("a", "b"));
    assertEquals(Set.of(), run());
    assertTrue(removed.isEmpty());
  }

  @Test
  void aFailedLiveListRemovesNothingAndForgetsTheSuspects() {
    held.add("b");
    run();
    liveFails = true;
    assertTrue(sweep.run().failed());
    liveFails = false;
    assertEquals(Set.of(), run(), "the suspects were forgotten, so this run only suspects again");
    assertEquals(Set.of("b"), run());
  }

  @Test
  void nothingHeldAsksNobody() {
    assertEquals(Set.of(), run());
    assertEquals(List.of("holding"), calls);
  }
}
