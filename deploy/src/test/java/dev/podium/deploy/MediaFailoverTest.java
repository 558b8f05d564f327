package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.deploy.TestSocket.Binary;
import dev.podium.media.MediaRelayVerticle;
import dev.podium.runtime.ownership.OwnerRing;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Media relays in the cluster beside a node with the other services and a gateway: each event is
 * mixed by exactly one relay (the {@code media-relay} ring); when that relay stops the other takes
 * the event over and audio resumes within 2 s; relays that join take a share of the events from the
 * others, and a killed relay's events move while every other event stays where it is.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MediaFailoverTest {
  private static final int EVENTS = 24;
  private static PodiumHarness podium;
  private static Vertx core;
  private static final MediaRelayVerticle[] RELAY_B = new MediaRelayVerticle[1];
  private static final MediaRelayVerticle[] RELAY_C = new MediaRelayVerticle[1];
  private static Vertx nodeB;
  private static Vertx nodeC;

  /** The relays alive now, with their nodes. */
  private static final Map<MediaRelayVerticle, Vertx> ALIVE = new LinkedHashMap<>();

  /** Every event started in this class (all still live). */
  private static final Set<String> LIVE = new LinkedHashSet<>();

  /** Their hosts' sockets: an event lives while its host is connected. */
  private static final List<TestSocket> HOSTS = new ArrayList<>();

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of());
    core = podium.startWithoutMedia();
    nodeB = podium.startMediaRelay(RELAY_B);
    nodeC = podium.startMediaRelay(RELAY_C);
    ALIVE.put(RELAY_B[0], nodeB);
    ALIVE.put(RELAY_C[0], nodeC);
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  @Test
  @Order(1)
  void stoppingTheRelayThatMixesAnEventMovesItAndAudioResumesWithinTwoSeconds() {
    TestSocket host = podium.goLive(core, "fo-host");
    String eventId = host.eventId();
    LIVE.add(eventId);
    HOSTS.add(host);
    TestSocket listener =
        podium.connect(
            core,
            "/ws/stream/live/join/event/" + eventId + "/fo/fo/?token=" + TestTokens.valid("fo"),
            List.of("podium.v1"));
    listener.expect("room_state");

    Audio.Sine sine = new Audio.Sine(440, 8000);
    long sender = podium.clientVertx().setPeriodic(20, id -> host.sendBinary(sine.next(960)));
    try {
      assertTrue(
          TestSocket.awaitCondition(() -> listener.binaries().size() >= 25, 10_000), "audio flows");
      boolean onB = RELAY_B[0].mixes(eventId);
      boolean onC = RELAY_C[0].mixes(eventId);
      assertTrue(onB ^ onC, "exactly one relay mixes the event (B " + onB + ", C " + onC + ")");
      Vertx owner = onB ? nodeB : nodeC;
      MediaRelayVerticle survivor = onB ? RELAY_C[0] : RELAY_B[0];

      long lastSequence = sequence(listener.binaries().get(listener.binaries().size() - 1));
      long stoppedAt = System.nanoTime();
      podium.stop(owner);
      ALIVE.remove(onB ? RELAY_B[0] : RELAY_C[0]);
      // The new owner numbers its ticks from 1 again: the first such frame is the resumed audio.
      assertTrue(
          TestSocket.awaitCondition(
              () -> resumed(listener, stoppedAt, lastSequence) != null, 10_000),
          "audio resumed");
      Binary first = resumed(listener, stoppedAt, lastSequence);
      assertNotNull(first);
      double seconds = (first.receivedAt() - stoppedAt) / 1e9;
      System.out.println(
          "Audio resumed " + seconds + " s after the relay that mixed the event stopped");
      assertTrue(seconds < 2.0, "audio resumed after " + seconds + " s");
      assertTrue(survivor.mixes(eventId), "the surviving relay mixes the event");
    } finally {
      podium.clientVertx().cancelTimer(sender);
    }
  }

  @Test
  @Order(2)
  void newRelaysTakeAShareFromTheOthersAndAKilledRelaysEventsMoveWhileTheOthersStay() {
    for (int i = 0; i < EVENTS; i++) {
      TestSocket liveHost = podium.goLive(core, "share-host-" + i);
      HOSTS.add(liveHost);
      LIVE.add(liveHost.eventId());
    }
    assertTrue(
        Polls.eventually(MediaFailoverTest::mixedWhereTheRingSays, 10_000),
        "every event is mixed by one relay");

    // Two newcomers: events move only to them, never between the relays that were there.
    for (int n = 0; n < 2; n++) {
      Map<String, MediaRelayVerticle> before = owners();
      MediaRelayVerticle[] started = new MediaRelayVerticle[1];
      Vertx node = podium.startMediaRelay(started);
      MediaRelayVerticle newcomer = started[0];
      ALIVE.put(newcomer, node);
      assertTrue(
          Polls.eventually(MediaFailoverTest::mixedWhereTheRingSays, 10_000),
          "every event is mixed by one relay");
      Map<String, MediaRelayVerticle> after = owners();
      int taken = 0;
      for (String eventId : LIVE) {
        if (after.get(eventId) != before.get(eventId)) {
          assertTrue(
              after.get(eventId) == newcomer,
              eventId + " moved between relays that were already there");
          taken++;
        }
      }
      assertTrue(taken > 0, "the newcomer takes a share of the " + LIVE.size() + " events");
    }
    Map<String, MediaRelayVerticle> before = owners();
    for (Map.Entry<MediaRelayVerticle, Vertx> relay : ALIVE.entrySet()) {
      long mixed = before.values().stream().filter(r -> r == relay.getKey()).count();
      assertTrue(
          mixed > 0, "each of the three relays mixes some of the " + LIVE.size() + " events");
      assertTrue(
          Polls.eventually(() -> ownedEvents(relay.getValue()) == mixed, 5_000),
          "podium_owned_events{service=\"media-relay\"} says "
              + ownedEvents(relay.getValue())
              + ", the relay mixes "
              + mixed);
    }

    // Killed (no goodbye to the cluster): only its events move, once Hazelcast drops its member.
    MediaRelayVerticle killed = ALIVE.keySet().iterator().next();
    Vertx killedNode = ALIVE.remove(killed);
    long killedAt = System.nanoTime();
    dev.podium.runtime.ClusterReach.hazelcast(killedNode)
        .orElseThrow()
        .getLifecycleService()
        .terminate();
    assertTrue(
        Polls.eventually(MediaFailoverTest::mixedWhereTheRingSays, 15_000),
        "the killed relay's events are mixed again");
    System.out.println(
        "A killed relay's events were mixed again after "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)
            + " ms");
    Map<String, MediaRelayVerticle> after = owners();
    for (String eventId : LIVE) {
      if (before.get(eventId) != killed) {
        assertEquals(
            before.get(eventId),
            after.get(eventId),
            eventId + " of a healthy relay stayed where it was");
      }
    }
  }

  /**
   * Whether each live event is mixed by exactly one live relay: the owner the ring of the live
   * relays gives it.
   */
  private static boolean mixedWhereTheRingSays() {
    OwnerRing ring =
        OwnerRing.of(ALIVE.keySet().stream().map(MediaRelayVerticle::relayId).toList());
    return LIVE.stream()
        .allMatch(
            e -> {
              List<String> mixing =
                  ALIVE.keySet().stream()
                      .filter(r -> r.mixes(e))
                      .map(MediaRelayVerticle::relayId)
                      .toList();
              return mixing.equals(List.of(ring.owner(e)));
            });
  }

  /** Which live relay mixes each event. */
  private static Map<String, MediaRelayVerticle> owners() {
    Map<String, MediaRelayVerticle> owners = new HashMap<>();
    LIVE.forEach(
        e ->
            ALIVE.keySet().stream()
                .filter(r -> r.mixes(e))
                .findFirst()
                .ifPresent(r -> owners.put(e, r)));
    return owners;
  }

  private static long ownedEvents(Vertx relayNode) {
    return podium.opsGet(relayNode, "/metrics").ownedEvents("media-relay");
  }

  private static long sequence(Binary b) {
    return b.data().getUnsignedInt(2);
  }

  private static Binary resumed(TestSocket listener, long since, long lastSequence) {
    return listener.binariesSince(since).stream()
        .filter(b -> sequence(b) < lastSequence / 2 || sequence(b) < 10)
        .findFirst()
        .orElse(null);
  }
}
