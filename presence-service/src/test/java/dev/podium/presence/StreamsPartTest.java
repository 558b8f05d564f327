package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One instance's part of the active-streams list, as the gateways receive it. */
class StreamsPartTest {
  private Vertx vertx;
  private final BlockingQueue<JsonObject> announced = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.ACTIVE_STREAMS_PARTS, m -> announced.add(m.body()))
        .completion()
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static JsonObject entry(String eventId, int participants) {
    return new JsonObject().put("event_id", eventId).put("participant_count", participants);
  }

  private JsonObject next() throws InterruptedException {
    JsonObject part = announced.poll(5, TimeUnit.SECONDS);
    if (part == null) {
      throw new AssertionError("no part announced within 5 s");
    }
    return part;
  }

  @Test
  void changesGoOutTogetherAndCarryOnlyWhatChanged() throws Exception {
    StreamsPart part =
        new StreamsPart(
            vertx, "i1", Duration.ofMillis(100), () -> List.of(entry("e9", 9), entry("e1", 1)));
    vertx.runOnContext(
        v -> {
          part.written("e1", entry("e1", 1));
          part.written("e2", entry("e2", 0));
          part.gone("e3");
          part.written("e4", entry("e4", 1));
          part.gone("e4"); // taken over by another instance before the flush
        });
    JsonObject first = next();
    assertEquals("i1", first.getString("instance"));
    assertFalse(first.getBoolean("full"));
    assertEquals(
        List.of("e1", "e2"),
        first.getJsonArray("streams").stream()
            .map(e -> ((JsonObject) e).getString("event_id"))
            .toList());
    assertEquals(new JsonArray().add("e3").add("e4"), first.getJsonArray("gone"));
    assertFalse(first.containsKey("ended"));

    vertx.runOnContext(v -> part.removed("e1"));
    JsonObject second = next();
    assertEquals(new JsonArray(), second.getJsonArray("streams"));
    assertEquals(new JsonArray().add("e1"), second.getJsonArray("ended"));
  }

  @Test
  void aStoppedInstanceAnnouncesAnEmptyWholePart() throws Exception {
    StreamsPart part =
        new StreamsPart(vertx, "i1", Duration.ofMillis(100), () -> List.of(entry("e1", 1)));
    vertx.runOnContext(
        v -> {
          part.start();
          part.stop();
        });
    JsonObject last = next();
    assertTrue(last.getBoolean("full"));
    assertEquals(new JsonArray(), last.getJsonArray("streams"));
    assertEquals(null, announced.poll(300, TimeUnit.MILLISECONDS), "nothing after the stop");
  }
}
