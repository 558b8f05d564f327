package dev.podium.runtime.ownership;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.splitbrainprotection.HeartbeatAware;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The majority rule of {@link ClusterMajority}: enough members in this member's list, and for a few
 * seconds after a member left that list, enough of them heard from lately.
 *
 * <p>Why the second half: Hazelcast drops the members it stopped hearing one at a time, each when
 * its own heartbeats are overdue. A member cut off from two others first drops one and for about a
 * second still lists the other: two of three, a majority by count, while it reaches nobody. It then
 * owns the partitions it just took over with no backup to wait for, so its writes complete at once
 * while the real majority writes the same keys (one chat id given on both sides of a split was
 * seen). The member still listed has by then been silent for longer than {@link #HEARD_WITHIN_MS}:
 * it was cut at the same moment as the one dropped, whose silence exceeded the 3 s failure
 * detection, and heartbeats come every second. Outside that window, the count alone decides: a
 * slow, lossy link delays heartbeats past two seconds often, and refusing writes for that (tried:
 * Hazelcast's recently-active rule on its own) refused most chat under 200 ms of latency and 5 %
 * loss, with nobody lost.
 */
final class HeardMajority
    implements SplitBrainProtectionFunction, HeartbeatAware, MembershipListener {
  /**
   * A member counts after a loss if a heartbeat (sent every second) arrived this recently: shorter
   * than the silence of a member cut with the one just dropped (more than the 3 s detection minus
   * one heartbeat interval).
   */
  static final long HEARD_WITHIN_MS = 2_000;

  /**
   * How long after a member left the list the heartbeats are checked: long enough for every member
   * cut at the same moment to be dropped too (the 3 s detection, checked every second).
   */
  static final long AFTER_LOSS_MS = 5_000;

  private final int minimum;
  private final LongSupplier nanoClock;
  private final Map<UUID, Long> lastHeard = new ConcurrentHashMap<>();
  private volatile boolean lostOne;
  private volatile long lastLoss;

  HeardMajority(int minimum) {
    this(minimum, System::nanoTime);
  }

  HeardMajority(int minimum, LongSupplier nanoClock) {
    this.minimum = minimum;
    this.nanoClock = nanoClock;
  }

  int minimum() {
    return minimum;
  }

  @Override
  public boolean apply(Collection<Member> members) {
    if (members.size() < minimum) {
      return false;
    }
    long now = nanoClock.getAsLong();
    if (!lostOne || now - lastLoss >= TimeUnit.MILLISECONDS.toNanos(AFTER_LOSS_MS)) {
      return true;
    }
    int heard = 0;
    for (Member member : members) {
      Long at = lastHeard.get(member.getUuid());
      if (member.localMember()
          || (at != null && now - at < TimeUnit.MILLISECONDS.toNanos(HEARD_WITHIN_MS))) {
        heard++;
      }
    }
    return heard >= minimum;
  }

  @Override
  public void onHeartbeat(Member member, long timestamp) {
    // When it arrived here, not the sender's clock: what counts is hearing it now.
    lastHeard.put(member.getUuid(), nanoClock.getAsLong());
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    // Joining (or merging) took a conversation with it just now.
    lastHeard.put(event.getMember().getUuid(), nanoClock.getAsLong());
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    lastHeard.remove(event.getMember().getUuid());
    lastLoss = nanoClock.getAsLong();
    lostOne = true;
  }
}
