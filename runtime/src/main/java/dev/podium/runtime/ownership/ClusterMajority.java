package dev.podium.runtime.ownership;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import java.util.List;

/**
 * Writes to Podium's owned state need a majority of the cluster. With {@code
 * PODIUM_CLUSTER_EXPECTED_MEMBERS} = E, Hazelcast's split-brain protection refuses writes to the
 * ownership maps on a member whose cluster has fewer than E/2+1 members, and {@link
 * ServiceOwnership} owns nothing there. A member that was frozen (SIGSTOP, a long GC) or cut off,
 * and on waking finds itself alone, therefore cannot act on the events the majority has given to
 * others, even after its pause quarantine. When the sides merge, the small side's copies of these
 * maps are discarded (it cannot have written them), so an event the majority ended does not come
 * back. Without E nothing is protected this way (fencing then rests on the epochs and the pause
 * quarantine alone): docs/architecture.md, "Fencing".
 */
public final class ClusterMajority {
  /** The split-brain protection's name in the Hazelcast config. */
  public static final String NAME = "podium-majority";

  /**
   * The maps whose writes need a majority (names or Hazelcast wildcards). Not the instance
   * registries ({@code podium.members.*}): registering is harmless in a minority (the ring there
   * leaves this instance out anyway) and lets an instance start while the cluster forms.
   */
  static final List<String> MAPS =
      List.of("podium.rooms", "podium.rooms.hosts", "podium.presence*");

  private ClusterMajority() {}

  /** The members a majority of {@code expectedMembers} needs. */
  public static int of(int expectedMembers) {
    return expectedMembers / 2 + 1;
  }

  /**
   * Adds the protection to a Hazelcast config (unless the config names one of its own) for a
   * cluster expected to have this many members; 0 adds nothing.
   */
  public static void protect(Config config, int expectedMembers) {
    if (expectedMembers <= 0 || config.getSplitBrainProtectionConfigs().containsKey(NAME)) {
      return;
    }
    config.addSplitBrainProtectionConfig(
        new SplitBrainProtectionConfig(NAME, true, of(expectedMembers))
            .setFunctionImplementation(new HeardMajority(of(expectedMembers)))
            .setProtectOn(SplitBrainProtectionOn.WRITE));
    for (String name : MAPS) {
      MapConfig map = config.getMapConfig(name);
      map.setSplitBrainProtectionName(NAME);
      map.setMergePolicyConfig(discardAtMerge());
    }
  }

  /**
   * Whether the cluster's writes need a majority: the protection is in the member's config (it is
   * when {@code PODIUM_CLUSTER_EXPECTED_MEMBERS} is set). For structures configured while running.
   */
  public static boolean configured(Config config) {
    return config.getSplitBrainProtectionConfigs().containsKey(NAME);
  }

  /**
   * A map added while running (a dynamic configuration) with the same rule as {@link #MAPS}: its
   * writes need a majority when the cluster has the protection, and a minority's copy is discarded
   * at a merge.
   */
  public static MapConfig protect(Config config, MapConfig map) {
    if (configured(config)) {
      map.setSplitBrainProtectionName(NAME).setMergePolicyConfig(discardAtMerge());
    }
    return map;
  }

  /**
   * Whether this member's list holds a majority of the expected members (always, without the
   * protection): what the rings are computed from. Not enough to confirm a write: see {@link
   * #confirms}.
   */
  public static boolean holds(HazelcastInstance hazelcast) {
    // The member list this process holds now, not the protection's own flag, which Hazelcast
    // updates on its own schedule: the same count every ring and the gateways' guard use.
    SplitBrainProtectionConfig protection = protection(hazelcast);
    return protection == null
        || hazelcast.getCluster().getMembers().size() >= protection.getMinimumClusterSize();
  }

  /**
   * Whether a write may count as done here now: this member's side has a majority by count, and in
   * the seconds after a member left, enough of those members were heard from lately ({@link
   * HeardMajority}). Checked before a fenced write and again when a protected write completes:
   * Hazelcast answers a write whose backups never acknowledged (they sat on the far side of a cut)
   * as done once its backup timeout passes, and a member cut off before it detected the cut has by
   * then dropped the others (its failure detection is shorter than that timeout) and sees itself in
   * a minority, whose copy the merge discards. So a write that completes where there is no majority
   * is not confirmed: its caller must say so. Unlike {@link #holds}, a late heartbeat right after a
   * loss can make this false on a healthy majority for a moment; a write refused then is answered
   * with an error, while a ring flipping would move every event.
   */
  public static boolean confirms(HazelcastInstance hazelcast) {
    SplitBrainProtectionConfig protection = protection(hazelcast);
    if (protection == null) {
      return true;
    }
    if (protection.getFunctionImplementation() instanceof HeardMajority) {
      return protection.getFunctionImplementation().apply(hazelcast.getCluster().getMembers());
    }
    return holds(hazelcast);
  }

  private static SplitBrainProtectionConfig protection(HazelcastInstance hazelcast) {
    return hazelcast.getConfig().getSplitBrainProtectionConfigs().get(NAME);
  }

  /** A ring buffer added while running, under the same rule (see the map variant). */
  public static RingbufferConfig protect(Config config, RingbufferConfig ring) {
    if (configured(config)) {
      ring.setSplitBrainProtectionName(NAME).setMergePolicyConfig(discardAtMerge());
    }
    return ring;
  }

  /** A minority's copy cannot have been written: the merge keeps the majority's. */
  private static MergePolicyConfig discardAtMerge() {
    return new MergePolicyConfig(
        DiscardMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE);
  }
}
