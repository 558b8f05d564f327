package dev.podium.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Write-behind between the services' notices and the database: records wait in a bounded queue, in
 * the order they came, and go to the {@link RecordSink} in batches, one batch in flight (what comes
 * meanwhile makes the next batch bigger, up to {@code batchSize}). Nobody waits for a write: a
 * notice is taken or, when {@code limit} records already wait, dropped and counted.
 *
 * <p>A batch that fails is kept and tried again after a back-off (0.5 s doubling to 10 s) for as
 * long as the database stays away, so an outage costs nothing while the queue has room. A batch
 * whose data the database refused is split into single records, and only the record that is refused
 * on its own is dropped (and counted), so one bad record never blocks the queue.
 *
 * <p>Not thread-safe: used on one event loop.
 */
final class HistoryWriter {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HistoryWriter.class);

  static final long MIN_BACKOFF_MS = 500;
  static final long MAX_BACKOFF_MS = 10_000;

  /** Runs an action once after a delay. */
  interface Timers {
    void after(long millis, Runnable action);
  }

  private final RecordSink sink;
  private final int limit;
  private final int batchSize;
  private final Timers timers;
  private final LongSupplier nowMillis;
  private final ArrayDeque<HistoryRecord> pending = new ArrayDeque<>();

  private boolean writing;
  private boolean retryArmed;
  private long backoffMs = MIN_BACKOFF_MS;

  /** When the current outage began (the first failed write), or -1 while writes succeed. */
  private long downSinceMillis = -1;

  /** Records still to write one at a time, after their batch was refused. */
  private int singly;

  private long written;
  private long dropped;
  private long rejected;
  private long failedWrites;

  HistoryWriter(RecordSink sink, int limit, int batchSize, Timers timers, LongSupplier nowMillis) {
    this.sink = sink;
    this.limit = limit;
    this.batchSize = batchSize;
    this.timers = timers;
    this.nowMillis = nowMillis;
  }

  /** Queues a record; false (and counted) when the queue is full. */
  boolean offer(HistoryRecord record) {
    if (pending.size() >= limit) {
      if (dropped++ % 10_000 == 0) {
        LOG.atError()
            .addKeyValue("pending", pending.size())
            .addKeyValue("dropped", dropped)
            .log("history buffer full: records are being dropped (is the database down?)");
      }
      return false;
    }
    pending.addLast(record);
    flush();
    return true;
  }

  int pending() {
    return pending.size();
  }

  long written() {
    return written;
  }

  long dropped() {
    return dropped;
  }

  long rejected() {
    return rejected;
  }

  long failedWrites() {
    return failedWrites;
  }

  /** Seconds since the database stopped taking writes; 0 while it takes them. */
  double secondsBehind() {
    return downSinceMillis < 0 ? 0 : (nowMillis.getAsLong() - downSinceMillis) / 1000.0;
  }

  private void flush() {
    if (writing || retryArmed || pending.isEmpty()) {
      return;
    }
    int size = Math.min(singly > 0 ? 1 : batchSize, pending.size());
    List<HistoryRecord> batch = new ArrayList<>(size);
    var it = pending.iterator();
    for (int i = 0; i < size; i++) {
      batch.add(it.next());
    }
    writing = true;
    sink.write(batch)
        .onComplete(
            ar -> {
              writing = false;
              if (ar.succeeded()) {
                succeeded(batch.size());
              } else {
                failed(batch, ar.cause());
              }
              flush();
            });
  }

  private void succeeded(int count) {
    for (int i = 0; i < count; i++) {
      pending.removeFirst();
    }
    written += count;
    if (singly > 0) {
      singly -= count;
    }
    backoffMs = MIN_BACKOFF_MS;
    if (downSinceMillis >= 0) {
      LOG.atInfo()
          .addKeyValue("down_seconds", secondsBehind())
          .addKeyValue("pending", pending.size())
          .log("history database writable again; writing what was buffered");
      downSinceMillis = -1;
    }
  }

  private void failed(List<HistoryRecord> batch, Throwable cause) {
    if (cause instanceof RecordSink.RecordsRejected) {
      if (batch.size() > 1) {
        singly = batch.size();
        return;
      }
      HistoryRecord bad = pending.removeFirst();
      rejected++;
      singly = Math.max(0, singly - 1);
      LOG.atWarn()
          .addKeyValue("event_id", bad.eventId())
          .addKeyValue("record", bad.getClass().getSimpleName())
          .log("history record refused by the database, dropped: {}", cause.getMessage());
      return;
    }
    failedWrites++;
    if (downSinceMillis < 0) {
      downSinceMillis = nowMillis.getAsLong();
      LOG.atWarn()
          .addKeyValue("pending", pending.size())
          .log(
              "history database not writable; buffering up to {} records: {}",
              limit,
              cause.getMessage());
    }
    retryArmed = true;
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    timers.after(
        delay,
        () -> {
          retryArmed = false;
          flush();
        });
  }
}
