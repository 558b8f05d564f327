package dev.podium.runtime.ownership;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;
import java.util.Objects;

/**
 * One compare-and-set of a {@link FencedStore} record, run by Hazelcast where the record lives: if
 * the record is exactly {@code expected} (null: absent), it becomes {@code next} (null: removed)
 * and the answer is true; otherwise nothing changes and the answer is false. The same test on the
 * backups keeps them equal to the primary.
 *
 * <p>Why not the map's own {@code replace(key, old, new)}: Hazelcast offers it only as a blocking
 * call, which Vert.x runs on a worker thread for its whole round trip. After members die, calls to
 * partitions that are moving wait there for seconds, and a takeover's claims queued behind each
 * other on the worker pool (with the event bus's own lookups, which need the same threads). Sent as
 * an entry processor the call is asynchronous and holds no thread while it waits. Sent over the
 * cluster, so it lives in {@code runtime}, which every Podium process has.
 */
final class RecordSwap implements EntryProcessor<String, String, Boolean> {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String next;

  RecordSwap(String expected, String next) {
    this.expected = expected;
    this.next = next;
  }

  @Override
  public Boolean process(Map.Entry<String, String> entry) {
    if (!Objects.equals(entry.getValue(), expected)) {
      return false;
    }
    entry.setValue(next);
    return true;
  }
}
