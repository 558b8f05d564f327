package dev.podium.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A relay's mixers are spread over its loops, each event always on the same one. */
class MixLanesTest {
  /** More event loops than lanes, whatever this machine's cores. */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(8));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void eachEventStaysOnOneLaneAndTheLanesAreDistinctEventLoops() throws Exception {
    MixLanes lanes = await(MixLanes.start(vertx, 4));
    assertEquals(4, lanes.size());
    List<String> events = IntStream.range(0, 400).mapToObj(i -> "event-" + i).toList();
    Map<Context, Integer> perLane = new HashMap<>();
    for (String id : events) {
      Context lane = lanes.laneOf(id);
      assertSame(lane, lanes.laneOf(id), id + " always on the same lane");
      perLane.merge(lane, 1, Integer::sum);
    }
    assertEquals(4, perLane.size(), "every lane mixes some events: " + perLane.values());
    perLane.values().forEach(n -> assertTrue(n > 50, "a fair share: " + perLane.values()));

    Set<String> threads = new HashSet<>();
    for (Context lane : perLane.keySet()) {
      assertTrue(lane.isEventLoopContext());
      threads.add(
          await(Future.<String>future(p -> lane.runOnContext(v -> p.complete(threadName())))));
    }
    assertEquals(4, threads.size(), "four lanes, four threads: " + threads);
  }

  private static String threadName() {
    return Thread.currentThread().getName();
  }
}
