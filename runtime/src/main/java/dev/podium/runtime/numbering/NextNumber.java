package dev.podium.runtime.numbering;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Takes the next numbers of a key's sequence where the key lives: run by Hazelcast on the member
 * that owns the key's partition, one at a time per key, so two processes never get the same number.
 * Without a start, returns null and changes nothing when the sequence has not been started: the
 * caller decides where it starts and asks again with it (see {@link ClusterNumbering}); a start
 * applies only if the sequence still has none, so two processes starting one key agree. Sent over
 * the cluster, so it lives in {@code runtime}, which every Podium process has.
 */
final class NextNumber implements EntryProcessor<String, Long, Long> {
  private static final long serialVersionUID = 1L;

  /** Where a missing sequence starts (its first number is one more), or null for none. */
  private final Long startAfter;

  /** How many numbers to take; the first is returned. */
  private final int count;

  NextNumber(Long startAfter, int count) {
    this.startAfter = startAfter;
    this.count = count;
  }

  @Override
  public Long process(Map.Entry<String, Long> entry) {
    Long last = entry.getValue() != null ? entry.getValue() : startAfter;
    if (last == null) {
      return null;
    }
    entry.setValue(last + count);
    return last + 1;
  }
}
