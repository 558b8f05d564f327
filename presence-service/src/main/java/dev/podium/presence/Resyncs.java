package dev.podium.presence;

import dev.podium.api.Addresses;
import dev.podium.api.presence.Participant;
import dev.podium.api.presence.ResyncBatch;
import dev.podium.api.presence.ResyncRequest;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals what a killed owner had not written to the cluster copy yet (its last joins and leaves),
 * from the gateways' own knowledge. When this instance takes an event in from its copy, it asks
 * every gateway node once ({@link Addresses#PRESENCE_RESYNC}) for its sessions of the event whose
 * join presence acknowledged; each node answers in batches, the last one {@code done}.
 *
 * <p>A session missing here is added at the end of the join order, quietly: the room was told of
 * the join by the previous owner. A member already present keeps its entry (place, session), so the
 * room sees no change, except its role: when the gateway reports the same session as a co-host
 * where the copy has a listener (or the reverse), the gateway's role is taken, because a gateway
 * learns a role change from the room message before the room-service tells presence, so a change
 * the previous owner applied but had not written is known there. A role set here since the take-in
 * ({@link #roleSet}) is newer than any batch and is kept. When a node is {@code done}, the members
 * taken in from the copy that it carried but no longer reports (a leave the previous owner answered
 * but had not written) are removed (a session reported as {@code joining}, its answer still on the
 * way, counts as reported) and the room is told ({@code departed}): the leave may have been
 * answered and announced by the previous owner, or made while no owner answered (the gateway's
 * retries then find the member gone), and a second {@code participant_left} for someone who is gone
 * is harmless where a missing one leaves a ghost on every list. Members joined after the take-in
 * are never removed this way. A session whose leave arrives while the resync is open is not added
 * back by a late batch. A resync stays open {@value #WINDOW_MS} ms; batches after that are refused.
 */
final class Resyncs {
  private static final Logger LOG = LoggerFactory.getLogger(Resyncs.class);

  /**
   * How long after a take-in the gateways' answers are taken: long enough for a request that
   * reaches a busy gateway late and for the gateway's tries of a batch not answered in time (three
   * of 3 s each).
   */
  static final long WINDOW_MS = 30_000;

  /** One open resync of one event. */
  private static final class Open {
    /** Node id → sessions taken in from the copy that the node carried. */
    final Map<String, Set<String>> restored = new HashMap<>();

    /** Sessions that left while the resync is open. */
    final Set<String> left = new HashSet<>();

    /**
     * Users whose role the room-service set since the take-in: their role is not taken from a
     * batch.
     */
    final Set<String> roleSet = new HashSet<>();

    long timer;
  }

  private final Vertx vertx;
  private final String replyAddress;
  private final Memberships members;
  private final Consumer<String> changed;
  private final Map<String, Open> open = new HashMap<>();
  private long added;
  private long removed;
  private long roles;
  private final java.util.function.BiConsumer<String, Participant> departed;
  private final java.util.function.BiConsumer<String, Participant> rejoined;

  /**
   * @param replyAddress where the gateways answer ({@link Addresses#presenceResyncReply} of this
   *     instance)
   * @param changed called with an event whose members a batch changed (list and copy are due)
   * @param departed called with each member a node no longer reports (the room is told)
   * @param rejoined called with each member a batch added back (a speaker's room-service is told)
   */
  Resyncs(
      Vertx vertx,
      String replyAddress,
      Memberships members,
      Consumer<String> changed,
      java.util.function.BiConsumer<String, Participant> departed,
      java.util.function.BiConsumer<String, Participant> rejoined) {
    this.vertx = vertx;
    this.departed = departed;
    this.rejoined = rejoined;
    this.replyAddress = replyAddress;
    this.members = members;
    this.changed = changed;
  }

  /**
   * The event was taken in with these members: asks the gateways for their sessions of it (once per
   * take-in).
   */
  void start(String eventId, List<Participant> taken) {
    forget(eventId);
    Open resync = new Open();
    for (Participant p : taken) {
      if (p.nodeId() != null) {
        resync.restored.computeIfAbsent(p.nodeId(), n -> new HashSet<>()).add(p.sessionId());
      }
    }
    resync.timer = vertx.setTimer(WINDOW_MS, t -> open.remove(eventId, resync));
    open.put(eventId, resync);
    vertx
        .eventBus()
        .publish(Addresses.PRESENCE_RESYNC, new ResyncRequest(eventId, replyAddress).toJson());
  }

  /** A session left the event (a leave call): a late batch must not bring it back. */
  void left(String eventId, String sessionId) {
    Open resync = open.get(eventId);
    if (resync != null) {
      resync.left.add(sessionId);
    }
  }

  /** The room-service set the user's role: batches of the open resync no longer change it. */
  void roleSet(String eventId, String userId) {
    Open resync = open.get(eventId);
    if (resync != null) {
      resync.roleSet.add(userId);
    }
  }

  /** The event is no longer held here: its resync ends. */
  void forget(String eventId) {
    Open resync = open.remove(eventId);
    if (resync != null) {
      vertx.cancelTimer(resync.timer);
    }
  }

  /**
   * One gateway batch; false when refused (no resync open for the event), and the gateway stops.
   * The batch was read by {@link ResyncBatch#fromJson}, which refuses a malformed or oversized one.
   */
  boolean batch(ResyncBatch batch) {
    String eventId = batch.eventId();
    String nodeId = batch.nodeId();
    Open resync = open.get(eventId);
    if (resync == null) {
      return false;
    }
    long addedBefore = added;
    long removedBefore = removed;
    long rolesBefore = roles;
    Set<String> restored = resync.restored.get(nodeId);
    Set<String> reported = new HashSet<>();
    for (ResyncBatch.Carried carried : batch.sessions()) {
      Participant p = carried.participant();
      if (p.userId() == null
          || p.sessionId() == null
          || !nodeId.equals(p.nodeId())
          || resync.left.contains(p.sessionId())) {
        continue;
      }
      reported.add(p.sessionId());
      // A join in flight is neither added (its own join adds and announces it) nor dropped.
      if (carried.joining()) {
        continue;
      }
      var present = members.find(eventId, p.userId());
      if (present.isEmpty()) {
        members.join(eventId, p);
        rejoined.accept(eventId, p);
        added++;
      } else if (roleChangedInTheLostWindow(resync, present.get(), p)
          && members.setRole(eventId, p.userId(), p.role())) {
        roles++;
      }
    }
    if (restored != null) {
      restored.removeAll(reported);
    }
    if (batch.done()) {
      Set<String> gone = resync.restored.remove(nodeId);
      if (gone != null && !gone.isEmpty()) {
        for (Participant p : members.members(eventId)) {
          if (gone.contains(p.sessionId())
              && members.leave(eventId, p.userId(), p.sessionId()).isPresent()) {
            removed++;
            departed.accept(eventId, p);
          }
        }
      }
    }
    if (added != addedBefore || removed != removedBefore || roles != rolesBefore) {
      LOG.atInfo()
          .addKeyValue("event_id", eventId)
          .addKeyValue("node_id", nodeId)
          .addKeyValue("added", added - addedBefore)
          .addKeyValue("removed", removed - removedBefore)
          .addKeyValue("roles", roles - rolesBefore)
          .log("presence resync healed event: members the previous owner had not written");
      changed.accept(eventId);
    }
    return true;
  }

  /**
   * Whether the gateway's view of the same session has the other stage role (co-host or listener)
   * and no role was set here since the take-in. The host's role never comes from a batch.
   */
  private static boolean roleChangedInTheLostWindow(
      Open resync, Participant present, Participant reported) {
    return present.sessionId().equals(reported.sessionId())
        && !resync.roleSet.contains(present.userId())
        && !present.isHost()
        && !reported.isHost()
        && (Participant.ROLE_COHOST.equals(reported.role())
            || Participant.ROLE_LISTENER.equals(reported.role()))
        && !reported.role().equals(present.role());
  }

  /** Roles taken from the gateways by resyncs (tests, logs). */
  long roles() {
    return roles;
  }

  /** Members added back by resyncs (tests, logs). */
  long added() {
    return added;
  }

  /** Members removed by resyncs (tests, logs). */
  long removed() {
    return removed;
  }
}
