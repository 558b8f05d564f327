package dev.podium.runtime.membership;

/**
 * Whether this process should suspect that the cluster is split, from what it knows: how many
 * members its cluster has, how many it was told to expect, and Hazelcast's merge events. Plain
 * state, driven by {@link ClusterWatch}; thread-safe.
 *
 * <p>A split is suspected while
 *
 * <ul>
 *   <li>the cluster has fewer members than {@code PODIUM_CLUSTER_EXPECTED_MEMBERS} (when set): a
 *       sub-cluster, or processes that never found the others;
 *   <li>this member is merging into another cluster (Hazelcast's MERGING, until MERGED): it found a
 *       second cluster of the same name, so there was a split a moment ago;
 *   <li>the last merge failed (MERGE_FAILED), until a merge succeeds or a member joins.
 * </ul>
 *
 * A member that disappears is not enough on its own: from inside, a crashed process and a split
 * look alike, and a readiness check that failed on every crash would take every process out of
 * service at once. Hazelcast's merge check (every few seconds, see podium-cluster.xml) is what
 * finds a second cluster; the expected count is what catches a sub-cluster before that.
 */
public final class SplitSuspicion {
  private final int expected;
  private int members = 1;
  private boolean merging;
  private boolean mergeFailed;

  /**
   * @param expected the fewest members a whole cluster has, 0 when not told
   */
  public SplitSuspicion(int expected) {
    if (expected < 0) {
      throw new IllegalArgumentException("expected members must not be negative: " + expected);
    }
    this.expected = expected;
  }

  public synchronized void members(int count) {
    if (count > members) {
      // A member arrived: whatever a failed merge meant, the cluster is growing together again.
      mergeFailed = false;
    }
    members = count;
  }

  public synchronized void mergeStarted() {
    merging = true;
  }

  public synchronized void merged() {
    merging = false;
    mergeFailed = false;
  }

  public synchronized void mergeFailed() {
    merging = false;
    mergeFailed = true;
  }

  public synchronized int members() {
    return members;
  }

  /** Between Hazelcast's MERGING and its MERGED or MERGE_FAILED. */
  public synchronized boolean merging() {
    return merging;
  }

  public int expected() {
    return expected;
  }

  /** Why a split is suspected, in words for an operator; null when it is not. */
  public synchronized String reason() {
    if (merging) {
      return "merging into another cluster of the same name (the cluster was split)";
    }
    if (mergeFailed) {
      return "the last merge with another cluster of the same name failed; Hazelcast retries";
    }
    if (members < expected) {
      return "the cluster has "
          + members
          + " of the "
          + expected
          + " expected members (PODIUM_CLUSTER_EXPECTED_MEMBERS)";
    }
    return null;
  }

  public boolean suspected() {
    return reason() != null;
  }
}
