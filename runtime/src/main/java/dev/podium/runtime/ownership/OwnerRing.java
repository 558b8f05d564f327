package dev.podium.runtime.ownership;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * Which instance of a service owns a key (an event id), computed from the set of instances the
 * cluster engine reports alive. Rendezvous hashing: every process that sees the same members
 * computes the same owner; a newcomer takes about 1/N of the keys (from every other instance
 * evenly), and when an instance leaves only its own keys move, spread over the survivors.
 * Immutable.
 */
public final class OwnerRing {
  private static final OwnerRing EMPTY = new OwnerRing(Set.of());
  private final Set<String> members;

  private OwnerRing(Set<String> members) {
    this.members = members;
  }

  public static OwnerRing of(Collection<String> members) {
    return members.isEmpty()
        ? EMPTY
        : new OwnerRing(java.util.Collections.unmodifiableSet(new TreeSet<>(members)));
  }

  public static OwnerRing empty() {
    return EMPTY;
  }

  /** The instance ids, sorted. */
  public Set<String> members() {
    return members;
  }

  public boolean contains(String instanceId) {
    return members.contains(instanceId);
  }

  /** The owner of the key, or null when no instance is alive. */
  public String owner(String key) {
    String best = null;
    long bestScore = Long.MIN_VALUE;
    for (String member : members) {
      long score = score(key, member);
      if (best == null || score > bestScore || (score == bestScore && member.compareTo(best) < 0)) {
        best = member;
        bestScore = score;
      }
    }
    return best;
  }

  /** The same ring without one instance (an instance that must not own anything for now). */
  public OwnerRing without(String instanceId) {
    if (!members.contains(instanceId)) {
      return this;
    }
    Set<String> rest = new TreeSet<>(members);
    rest.remove(instanceId);
    return of(rest);
  }

  private static long score(String key, String member) {
    CRC32 crc = new CRC32();
    crc.update((key + "\u0000" + member).getBytes(StandardCharsets.UTF_8));
    // CRC32 alone clusters; a 64-bit mix spreads the scores so the shares come out even.
    long h = crc.getValue() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 32);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OwnerRing other && other.members.equals(members);
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  @Override
  public String toString() {
    return members.toString();
  }
}
