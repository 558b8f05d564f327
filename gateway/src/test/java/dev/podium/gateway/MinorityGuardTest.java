package dev.podium.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.podium.runtime.membership.ClusterWatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MinorityGuardTest {

  @Test
  void aGatewayMergingBackAfterASplitIsCutOffUntilTheMergeHasEnded() {
    // One expected member: this one alone is a majority, so only the merge can cut it off.
    ClusterWatch watch = new ClusterWatch(1, new SimpleMeterRegistry());
    MinorityGuard guard = new MinorityGuard(watch);
    assertFalse(guard.cutOff());

    watch.stateChanged(new LifecycleEvent(LifecycleState.MERGING));
    assertTrue(guard.cutOff(), "the others cannot send to its consumers before MERGED");
    assertEquals("1 of 1 expected members, merging back after a split", guard.describe());

    watch.stateChanged(new LifecycleEvent(LifecycleState.MERGED));
    assertFalse(guard.cutOff());
    assertEquals("1 of 1 expected members", guard.describe());
  }

  @Test
  void withoutAnExpectedCountNothingCutsItOff() {
    ClusterWatch watch = new ClusterWatch(0, new SimpleMeterRegistry());
    watch.stateChanged(new LifecycleEvent(LifecycleState.MERGING));
    assertFalse(
        new MinorityGuard(watch).cutOff(),
        "without PODIUM_CLUSTER_EXPECTED_MEMBERS there is no split-brain protection to follow");
  }

  @Test
  void fewerMembersThanAMajorityOfTheExpectedIsCutOff() {
    ClusterWatch watch = new ClusterWatch(3, new SimpleMeterRegistry());
    assertTrue(new MinorityGuard(watch).cutOff(), "1 of 3 expected members");
  }
}
