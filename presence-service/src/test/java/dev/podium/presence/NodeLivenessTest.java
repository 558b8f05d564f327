package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeLivenessTest {

  @Test
  void nodeSilentLongerThanTheTimeoutIsDead() {
    NodeLiveness nodes = new NodeLiveness(5_000);
    nodes.seen("a", 1_000);
    nodes.seen("b", 3_000);
    assertTrue(nodes.expire(6_000).isEmpty(), "exactly the timeout is still alive");
    assertEquals(List.of("a"), nodes.expire(6_001));
    assertEquals(List.of("b"), nodes.expire(8_001));
  }

  @Test
  void expiredNodesAreReportedOnce() {
    NodeLiveness nodes = new NodeLiveness(100);
    nodes.seen("a", 0);
    assertEquals(List.of("a"), nodes.expire(1_000));
    assertTrue(nodes.expire(2_000).isEmpty());
  }

  @Test
  void heartbeatKeepsANodeAlive() {
    NodeLiveness nodes = new NodeLiveness(100);
    nodes.seen("a", 0);
    nodes.seen("a", 90);
    assertTrue(nodes.expire(150).isEmpty());
    assertEquals(List.of("a"), nodes.expire(191));
  }

  @Test
  void nodeSeenAgainAfterExpiryIsTrackedAgain() {
    NodeLiveness nodes = new NodeLiveness(100);
    nodes.seen("a", 0);
    nodes.expire(500);
    nodes.seen("a", 600);
    assertTrue(nodes.expire(650).isEmpty());
    assertEquals(List.of("a"), nodes.expire(701));
  }

  /**
   * A heartbeat held back on a busy event bus must not kill a gateway whose process is still a
   * cluster member; once the member is gone, the silent node is dead.
   */
  @Test
  void aSilentNodeWhoseMemberIsStillInTheClusterIsNotDead() {
    NodeLiveness nodes = new NodeLiveness(100);
    nodes.heartbeat("a", "member-a", 0);
    nodes.heartbeat("b", null, 0);
    java.util.Set<String> members = new java.util.HashSet<>(java.util.Set.of("member-a"));
    assertEquals(
        List.of("b"), nodes.expire(1_000, members::contains), "b's member is not known: silence");
    assertTrue(nodes.expire(2_000, members::contains).isEmpty(), "a's member is still there");
    members.remove("member-a");
    assertEquals(List.of("a"), nodes.expire(2_001, members::contains));
    assertTrue(nodes.expire(3_000, members::contains).isEmpty(), "reported once");
  }
}
