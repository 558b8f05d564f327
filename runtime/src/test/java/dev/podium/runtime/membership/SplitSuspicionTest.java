package dev.podium.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SplitSuspicionTest {

  @Test
  void fewerMembersThanExpectedIsASuspectedSplitUntilTheyArrive() {
    SplitSuspicion s = new SplitSuspicion(3);
    s.members(2);
    assertEquals(
        "the cluster has 2 of the 3 expected members (PODIUM_CLUSTER_EXPECTED_MEMBERS)",
        s.reason());
    s.members(3);
    assertNull(s.reason());
    s.members(4);
    assertFalse(s.suspected(), "more members than expected is a grown cluster, not a split");
  }

  @Test
  void withoutAnExpectationALostMemberIsNotASplit() {
    SplitSuspicion s = new SplitSuspicion(0);
    s.members(9);
    s.members(8);
    assertFalse(
        s.suspected(),
        "a crash looks like a split from inside: readiness must not fail everywhere at once");
  }

  @Test
  void aMergeInProgressOrAFailedOneIsASuspectedSplit() {
    SplitSuspicion s = new SplitSuspicion(0);
    s.members(4);
    s.mergeStarted();
    assertTrue(s.merging());
    assertTrue(s.reason().startsWith("merging into another cluster"), s.reason());
    s.merged();
    assertFalse(s.merging());
    assertNull(s.reason());

    s.mergeStarted();
    s.mergeFailed();
    assertTrue(s.reason().startsWith("the last merge with another cluster"), s.reason());
    s.members(4);
    assertTrue(s.suspected(), "the same members: still apart");
    s.members(6);
    assertFalse(s.suspected(), "members arrived: the clusters came together");
  }

  @Test
  void aNegativeExpectationIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SplitSuspicion(-1));
  }

  @Test
  void theWatchCountsMergesAndPublishesTheSuspicion() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClusterWatch watch = new ClusterWatch(0, registry);
    assertEquals(0.0, registry.get("podium.cluster.split.suspected").gauge().value());
    watch.stateChanged(new LifecycleEvent(LifecycleState.MERGING));
    assertEquals(1.0, registry.get("podium.cluster.split.suspected").gauge().value());
    watch.stateChanged(new LifecycleEvent(LifecycleState.MERGED));
    assertEquals(0.0, registry.get("podium.cluster.split.suspected").gauge().value());
    watch.stateChanged(new LifecycleEvent(LifecycleState.MERGING));
    watch.stateChanged(new LifecycleEvent(LifecycleState.MERGE_FAILED));
    assertEquals(1.0, registry.get("podium.cluster.split.suspected").gauge().value());
    assertEquals(
        1.0, registry.get("podium.cluster.merges").tag("outcome", "merged").counter().count());
    assertEquals(
        1.0, registry.get("podium.cluster.merges").tag("outcome", "failed").counter().count());
    assertEquals(1.0, registry.get("podium.cluster.members").gauge().value());
  }
}
