package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The moment the rule exists for: a member cut off from two others has dropped one and still lists
 * the other, silent since the cut. And the moments it must leave alone: a slow link with no loss,
 * and a healthy majority right after a loss.
 */
class HeardMajorityTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final HeardMajority rule = new HeardMajority(2, now::get);
  private final Member self = member(true);
  private final Member a = member(false);
  private final Member b = member(false);

  @Test
  void tooFewMembersIsNoMajority() {
    assertFalse(rule.apply(List.of(self)));
  }

  @Test
  void withNoLossTheCountDecidesHoweverLateTheHeartbeats() {
    rule.onHeartbeat(a, 0);
    rule.onHeartbeat(b, 0);
    advance(30_000);
    assertTrue(rule.apply(List.of(self, a, b)), "a slow link alone refuses nothing");
  }

  @Test
  void cutOffMemberThatDroppedOneAndStillListsTheOtherHasNoMajority() {
    rule.onHeartbeat(a, 0);
    rule.onHeartbeat(b, 0);
    // The cut: nothing is heard from either. A's heartbeats are overdue first and it is dropped.
    advance(3_500);
    rule.memberRemoved(removed(a, self, b));
    assertFalse(rule.apply(List.of(self, b)), "b has been silent since the cut");
    advance(HeardMajority.AFTER_LOSS_MS);
    assertTrue(rule.apply(List.of(self, b)), "long after the loss the count decides again");
  }

  @Test
  void healthyMajorityKeepsItsMajorityRightAfterALoss() {
    rule.onHeartbeat(a, 0);
    rule.onHeartbeat(b, 0);
    // A dies; b keeps sending a heartbeat a second.
    for (int i = 0; i < 3; i++) {
      advance(1_000);
      rule.onHeartbeat(b, 0);
    }
    advance(500);
    rule.memberRemoved(removed(a, self, b));
    assertTrue(rule.apply(List.of(self, b)), "b was heard half a second ago");
    advance(2_000);
    assertFalse(rule.apply(List.of(self, b)), "b's heartbeat is late by a second: in doubt");
    rule.onHeartbeat(b, 0);
    assertTrue(rule.apply(List.of(self, b)), "heard again");
  }

  @Test
  void aMemberThatJustJoinedCountsAsHeard() {
    rule.onHeartbeat(a, 0);
    advance(500);
    rule.memberRemoved(removed(a, self));
    rule.memberAdded(
        new MembershipEvent(
            removed(a, self).getCluster(), b, MembershipEvent.MEMBER_ADDED, Set.of(self, b)));
    assertTrue(rule.apply(List.of(self, b)));
  }

  private void advance(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static MembershipEvent removed(Member gone, Member... left) {
    Cluster cluster =
        (Cluster)
            Proxy.newProxyInstance(
                Cluster.class.getClassLoader(),
                new Class<?>[] {Cluster.class},
                (proxy, method, args) -> {
                  throw new UnsupportedOperationException(method.getName());
                });
    return new MembershipEvent(cluster, gone, MembershipEvent.MEMBER_REMOVED, Set.of(left));
  }

  private static Member member(boolean local) {
    UUID uuid = UUID.randomUUID();
    return (Member)
        Proxy.newProxyInstance(
            Member.class.getClassLoader(),
            new Class<?>[] {Member.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "localMember":
                  return local;
                case "getUuid":
                  return uuid;
                case "hashCode":
                  return uuid.hashCode();
                case "equals":
                  return proxy == args[0];
                case "toString":
                  return (local ? "self " : "member ") + uuid;
                default:
                  throw new UnsupportedOperationException(method.getName());
              }
            });
  }
}
