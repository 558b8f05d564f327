package dev.podium.history;

import io.vertx.core.Future;
import java.util.List;

/** Where the {@link HistoryWriter} writes: all of a batch, or none of it. */
interface RecordSink {
  /**
   * Writes the records in one transaction. Fails with {@link RecordsRejected} when the database
   * refused their data (a retry would fail the same way), with anything else when it could not be
   * reached or gave up (a retry may succeed).
   */
  Future<Void> write(List<HistoryRecord> records);

  /** The database refused the data of a batch, not the connection. */
  final class RecordsRejected extends RuntimeException {
    RecordsRejected(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
