package dev.podium.runtime.numbering;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Starts a key's sequence at a number unless it has one, on the key's member; returns the last
 * number given. Sent over the cluster, so it lives in {@code runtime}, like {@link NextNumber}.
 */
final class StartNumbering implements EntryProcessor<String, Long, Long> {
  private static final long serialVersionUID = 1L;

  private final long startAfter;

  StartNumbering(long startAfter) {
    this.startAfter = startAfter;
  }

  @Override
  public Long process(Map.Entry<String, Long> entry) {
    if (entry.getValue() == null) {
      entry.setValue(startAfter);
    }
    return entry.getValue();
  }
}
