package dev.podium.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The write-behind queue, driven by hand: a sink whose writes the test completes, a fake clock. */
class HistoryWriterTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  /** Every write waits until the test answers it. */
  private static final class HandSink implements RecordSink {
    final ArrayDeque<Promise<Void>> open = new ArrayDeque<>();
    final List<List<HistoryRecord>> batches = new ArrayList<>();
    final List<HistoryRecord> stored = new ArrayList<>();

    @Override
    public Future<Void> write(List<HistoryRecord> records) {
      Promise<Void> promise = Promise.promise();
      List<HistoryRecord> batch = List.copyOf(records);
      batches.add(batch);
      open.add(promise);
      promise.future().onSuccess(v -> stored.addAll(batch));
      return promise.future();
    }

    void succeed() {
      open.removeFirst().complete();
    }

    void fail(Throwable cause) {
      open.removeFirst().fail(cause);
    }
  }

  private final HandSink sink = new HandSink();
  private final ArrayDeque<Runnable> timers = new ArrayDeque<>();
  private final List<Long> delays = new ArrayList<>();
  private long now = 1_000_000;

  private HistoryWriter writer(int limit, int batch) {
    return new HistoryWriter(
        sink,
        limit,
        batch,
        (millis, action) -> {
          delays.add(millis);
          timers.add(action);
        },
        () -> now);
  }

  private static HistoryRecord chat(long id) {
    return new HistoryRecord.ChatLine("ev", id, "u1", "Ann", "line " + id, T0.plusSeconds(id));
  }

  private static List<HistoryRecord> chats(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(HistoryWriterTest::chat).toList();
  }

  @Test
  void whatComesWhileAWriteIsInFlightGoesInTheNextBatch() {
    HistoryWriter writer = writer(1000, 100);
    chats(1, 5).forEach(writer::offer);
    assertEquals(List.of(chats(1, 1)), sink.batches, "the first record goes at once");
    sink.succeed();
    assertEquals(chats(2, 5), sink.batches.get(1), "the four that waited go together");
    sink.succeed();
    assertEquals(chats(1, 5), sink.stored);
    assertEquals(0, writer.pending());
    assertEquals(5, writer.written());
  }

  @Test
  void aBatchIsNeverBiggerThanTheBatchSize() {
    HistoryWriter writer = writer(1000, 3);
    chats(1, 8).forEach(writer::offer);
    sink.succeed();
    sink.succeed();
    sink.succeed();
    sink.succeed();
    assertEquals(List.of(1, 3, 3, 1), sink.batches.stream().map(List::size).toList());
    assertEquals(chats(1, 8), sink.stored);
  }

  @Test
  void anOutageBuffersInOrderAndWritesEverythingOnceWhenTheDatabaseReturns() {
    HistoryWriter writer = writer(1000, 100);
    writer.offer(chat(1));
    sink.fail(new RuntimeException("connection refused"));
    now += 500;
    assertEquals(1, timers.size(), "a retry is armed");
    assertEquals(0.5, writer.secondsBehind(), 1e-9);
    chats(2, 50).forEach(writer::offer);
    assertEquals(1, sink.batches.size(), "nothing is written while the retry waits");
    // The database stays away for three more tries: the back-off grows.
    for (int i = 0; i < 3; i++) {
      timers.removeFirst().run();
      sink.fail(new RuntimeException("connection refused"));
    }
    assertEquals(List.of(500L, 1000L, 2000L, 4000L), delays);
    assertEquals(50, writer.pending());
    assertEquals(4, writer.failedWrites());
    timers.removeFirst().run();
    sink.succeed();
    assertEquals(chats(1, 50), sink.stored, "every record, in order, once");
    assertEquals(0, writer.pending());
    assertEquals(0.0, writer.secondsBehind());
    // Healthy again: the next failure starts the back-off from the bottom.
    writer.offer(chat(51));
    sink.fail(new RuntimeException("reset"));
    assertEquals(500L, delays.get(delays.size() - 1));
  }

  @Test
  void theBackOffStopsGrowingAtItsCeiling() {
    HistoryWriter writer = writer(1000, 100);
    writer.offer(chat(1));
    for (int i = 0; i < 10; i++) {
      sink.fail(new RuntimeException("down"));
      timers.removeFirst().run();
    }
    assertEquals(HistoryWriter.MAX_BACKOFF_MS, delays.get(delays.size() - 1));
  }

  @Test
  void aFullBufferDropsNewRecordsAndCountsThem() {
    HistoryWriter writer = writer(10, 100);
    writer.offer(chat(1));
    sink.fail(new RuntimeException("down"));
    chats(2, 10).forEach(r -> assertTrue(writer.offer(r)));
    assertFalse(writer.offer(chat(11)));
    assertFalse(writer.offer(chat(12)));
    assertEquals(2, writer.dropped());
    assertEquals(10, writer.pending());
    timers.removeFirst().run();
    sink.succeed();
    assertEquals(chats(1, 10), sink.stored, "what was taken is kept, in order");
  }

  @Test
  void aRecordTheDatabaseRefusesIsDroppedAloneAndTheOthersAreWritten() {
    HistoryWriter writer = writer(1000, 100);
    writer.offer(chat(1));
    chats(2, 4).forEach(writer::offer);
    sink.succeed();
    // The batch 2..4 is refused for its data: each record is tried on its own.
    sink.fail(new RecordSink.RecordsRejected("invalid byte sequence", null));
    assertEquals(chats(2, 2), sink.batches.get(2));
    sink.succeed();
    assertEquals(chats(3, 3), sink.batches.get(3));
    sink.fail(new RecordSink.RecordsRejected("invalid byte sequence", null));
    assertEquals(chats(4, 4), sink.batches.get(4));
    sink.succeed();
    assertEquals(List.of(chat(1), chat(2), chat(4)), sink.stored);
    assertEquals(1, writer.rejected());
    assertTrue(timers.isEmpty(), "a refusal is not an outage: no back-off");
    // Then batches again.
    chats(5, 6).forEach(writer::offer);
    sink.succeed();
    sink.succeed();
    assertEquals(List.of(1, 1), sink.batches.subList(5, 7).stream().map(List::size).toList());
  }
}
