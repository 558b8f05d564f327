package dev.podium.gateway;

import dev.podium.runtime.membership.ClusterWatch;
import dev.podium.runtime.ownership.ClusterMajority;
import io.vertx.core.Vertx;

/**
 * Whether this gateway's process is cut off with a minority of the cluster: fewer members than a
 * majority of {@code PODIUM_CLUSTER_EXPECTED_MEMBERS} (never, when that is not set or the process
 * is not clustered). There the services refuse every change (split-brain protection) and the events
 * are owned on the other side, so a socket kept open would sit in a silent room: the gateway tells
 * its sockets to reconnect (elsewhere, through the load balancer, which takes it out of service
 * since its readiness fails) and refuses new ones until it is back in a majority.
 *
 * <p>A process merging back after a split counts as cut off until the merge has ended: the others
 * cannot send to its consumers before Vert.x writes its subscriptions back at Hazelcast's MERGED,
 * so its sockets would get no room messages and no audio. Usually 1-2 s; over a slow, lossy link a
 * merge took from 32 s to over 110 s.
 */
final class MinorityGuard {
  private final ClusterWatch watch;

  MinorityGuard(ClusterWatch watch) {
    this.watch = watch;
  }

  static MinorityGuard of(Vertx vertx) {
    return new MinorityGuard(ClusterWatch.of(vertx));
  }

  boolean cutOff() {
    return watch != null
        && watch.expected() > 0
        && (watch.members() < ClusterMajority.of(watch.expected()) || watch.merging());
  }

  /** "2 of 5 expected members", for messages and logs. */
  String describe() {
    return watch == null
        ? "not clustered"
        : watch.members()
            + " of "
            + watch.expected()
            + " expected members"
            + (watch.merging() ? ", merging back after a split" : "");
  }
}
