package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live-room protocol against a running all-in-one Podium, through real WebSocket clients: go
 * live, join, chat, presence, ending, and every bad input next to the good one.
 */
class LiveRoomEndToEndTest {
  private static final AtomicInteger USERS = new AtomicInteger();
  private static PodiumHarness podium;
  private static Vertx node;

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of("PODIUM_HOST_GRACE_MS", "1500"));
    node = podium.startAllInOne();
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  private static String user(String name) {
    return name + USERS.incrementAndGet();
  }

  @Test
  void goLiveSendsStreamLinkAndTheRoomState() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    assertNotNull(eventId);
    assertEquals(
        "ws://127.0.0.1:" + podium.port(node) + "/ws/stream/live/join/event/" + eventId + "/",
        host.streamLink().getString("join_url"));

    JsonObject state = host.expect("room_state");
    assertEquals(eventId, state.getJsonObject("event").getString("id"));
    assertEquals(hostId, state.getJsonObject("host").getString("user_id"));
    assertEquals("audio", state.getString("mode"));
    assertEquals(new JsonArray(), state.getJsonArray("cohosts"));
    assertEquals("host", state.getJsonObject("you").getString("role"));
    JsonObject list = host.expect("participant_list");
    assertEquals(1, list.getJsonArray("participants").size());
    JsonObject entry = list.getJsonArray("participants").getJsonObject(0);
    assertEquals(hostId, entry.getString("user_id"));
    assertEquals("host", entry.getString("role"));
    assertEquals(false, entry.getBoolean("is_cohost"));
    assertEquals(1, host.expect("participant_count").getInteger("count"));
    assertEquals(0, host.expect("chat_history").getJsonArray("messages").size());
  }

  @Test
  void whatAHostSaysBeforeItsRoomIsJoinedIsActedOnOnceItIsAndReachesItToo() {
    // The page may act as soon as the socket is open, before its join has reached presence: the
    // gateway holds those messages until the session is in its room, so the sender hears what
    // they cause (the old race: a host ending at once never heard stream_ended and stayed open).
    String chatty = user("early");
    TestSocket first =
        podium.connect(
            node, "/ws/stream/start/live/" + chatty + "/?token=" + TestTokens.valid(chatty));
    first.send(new JsonObject().put("type", "broadcast_message").put("message", "first words"));
    first.expect("room_state");
    first.expect("message_broadcast", m -> "first words".equals(m.getString("message")));
    String brief = user("early");
    TestSocket second =
        podium.connect(
            node, "/ws/stream/start/live/" + brief + "/?token=" + TestTokens.valid(brief));
    second.send(new JsonObject().put("type", "stream_ended"));
    second.expect("stream_link");
    second.expect("stream_ended");
    second.awaitClose();
  }

  @Test
  void aFloodBeforeTheRoomIsJoinedIsRefusedBeyondWhatIsHeld() {
    String host = user("eager");
    TestSocket socket =
        podium.connect(node, "/ws/stream/start/live/" + host + "/?token=" + TestTokens.valid(host));
    // 100: more than are held before the room is joined (32), and more than the 60 a burst may
    // send once it is; but fewer than 60 + 50, so that when the join wins the race the refusals
    // stay under the 50 that close a socket for flooding and the passed ones are answered.
    for (int i = 0; i < 100; i++) {
      socket.send(new JsonObject().put("type", "get_participants"));
    }
    socket.expect("room_state");
    // Some were refused before the room was joined (more than are held), the held ones answered.
    socket.expectError("rate_limited");
    socket.expect("participant_page");
  }

  @Test
  void aListenerJoinsAndEveryoneSeesThem() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    host.expect("participant_count", m -> m.getInteger("count") == 1);

    String listenerId = user("listener");
    TestSocket listener =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + eventId
                + "/Ada%20L/"
                + listenerId
                + "/?token="
                + TestTokens.valid(listenerId));
    JsonObject state = listener.expect("room_state");
    assertEquals("listener", state.getJsonObject("you").getString("role"));
    assertEquals("Ada L", state.getJsonObject("you").getString("username"));
    assertEquals(hostId, state.getJsonObject("host").getString("user_id"));
    listener.expect("chat_history");
    JsonObject list =
        listener.expect("participant_list", m -> m.getJsonArray("participants").size() == 2);
    assertEquals(hostId, list.getJsonArray("participants").getJsonObject(0).getString("user_id"));
    assertEquals("listener", list.getJsonArray("participants").getJsonObject(1).getString("role"));

    JsonObject joined =
        host.expect("participant_joined", m -> listenerId.equals(m.getString("user_id")));
    assertEquals("Ada L", joined.getString("username"));
    assertEquals("Ada L joined live.", joined.getString("message"));
    assertNotNull(joined.getString("timestamp"));
    host.expect("participant_list", m -> m.getInteger("total") == 2);
    host.expect("participant_count", m -> m.getInteger("count") == 2);
  }

  @Test
  void theShortJoinPathWorksToo() {
    TestSocket liveHost = podium.goLive(node, user("host"));
    String listenerId = user("short");
    TestSocket listener =
        podium.connect(
            node,
            "/ws/stream/live/join/event/"
                + liveHost.eventId()
                + "/"
                + listenerId
                + "?token="
                + TestTokens.valid(listenerId));
    assertEquals(
        listenerId, listener.expect("room_state").getJsonObject("you").getString("user_id"));
  }

  @Test
  void joiningAnUnknownEventIsRefused() {
    String listenerId = user("lost");
    TestSocket socket = podium.join(node, "no-such-event", listenerId);
    socket.expectError("event_not_found");
    assertEquals(4004, socket.awaitClose());
  }

  @Test
  void joiningWithoutATokenIsRefusedWhenGuestsAreOff() {
    TestSocket liveHost = podium.goLive(node, user("host"));
    TestSocket socket =
        podium.connect(
            node, "/ws/stream/live/join/event/" + liveHost.eventId() + "/guest/guest-1/");
    socket.expectError("token_missing");
    assertEquals(4001, socket.awaitClose());
  }

  @Test
  void unknownPathsAreNotWebSocketEndpoints() {
    try {
      podium.connect(node, "/ws/nowhere/");
      throw new AssertionError("handshake to an unknown path succeeded");
    } catch (IllegalStateException expected) {
      // The handshake was rejected with HTTP 404.
    }
  }

  @Test
  void chatReachesTheWholeRoomVerbatimAndJoinersGetHistory() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    String listenerId = user("listener");
    TestSocket listener = podium.join(node, eventId, listenerId);
    listener.expect("room_state");

    String html = "<b>hello</b> & \"friends\" \uD83C\uDF99";
    listener.send(new JsonObject().put("type", "broadcast_message").put("message", html));
    for (TestSocket s : List.of(host, listener)) {
      JsonObject msg = s.expect("message_broadcast");
      assertEquals(html, msg.getString("message"));
      assertEquals(listenerId, msg.getString("user_id"));
      assertEquals(listenerId, msg.getString("username"));
      assertNotNull(msg.getString("timestamp"));
      assertNotNull(msg.getValue("id"));
    }
    host.send(new JsonObject().put("type", "text").put("text", "second"));
    listener.expect("message_broadcast", m -> "second".equals(m.getString("message")));

    TestSocket late = podium.join(node, eventId, user("late"));
    JsonArray history = late.expect("chat_history").getJsonArray("messages");
    assertEquals(2, history.size());
    assertEquals("chat_message", history.getJsonObject(0).getString("type"));
    assertEquals(html, history.getJsonObject(0).getString("message"));
    assertEquals(hostId, history.getJsonObject(1).getString("user_id"));
  }

  @Test
  void chatLimitsAnswerWithErrorsAndTheSocketCarriesOn() {
    TestSocket host = podium.goLive(node, user("host"));
    host.expect("room_state");

    host.send(new JsonObject().put("type", "broadcast_message").put("message", "   "));
    host.expectError("empty_message");
    host.send(new JsonObject().put("type", "broadcast_message").put("message", "x".repeat(1001)));
    host.expectError("message_too_long");
    host.send(new JsonObject().put("type", "broadcast_message").put("message", "y".repeat(1000)));
    host.expect("message_broadcast", m -> m.getString("message").length() == 1000);

    for (int i = 0; i < 8; i++) {
      host.send(new JsonObject().put("type", "broadcast_message").put("message", "burst " + i));
    }
    host.expectError("rate_limited");
    host.send(new JsonObject().put("type", "get_participants"));
    host.expect("participant_page");
    assertFalse(host.isClosed());
  }

  @Test
  void badInputGetsAnErrorAndTheConnectionStaysUsable() {
    String eventId;
    TestSocket host = podium.goLive(node, user("host"));
    eventId = host.eventId();
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");

    listener.sendText("{not json");
    listener.expectError("bad_json");
    listener.sendText("[1,2,3]");
    listener.expectError("bad_json");
    listener.send(new JsonObject().put("type", "dance"));
    listener.expectError("unknown_type");
    listener.send(new JsonObject().put("message", "no type"));
    listener.expectError("bad_request");
    listener.send(new JsonObject().put("type", "broadcast_message"));
    listener.expectError("bad_request");
    listener.send(new JsonObject().put("type", "broadcast_message").put("message", 42));
    listener.expectError("bad_request");
    listener.send(new JsonObject().put("type", "get_participants").put("limit", "ten"));
    listener.expectError("bad_request");
    // An oversize message is the one bad input that ends the connection (1009): it is refused
    // from its header, before the gateway buffers more than the limit.
    TestSocket oversize = podium.join(node, eventId, user("oversize"));
    oversize.expect("room_state");
    oversize.sendText(
        "{\"type\":\"broadcast_message\",\"message\":\"" + "z".repeat(70 * 1024) + "\"}");
    oversize.expectError("frame_too_large");
    assertEquals(1009, oversize.awaitClose());

    // A listener may not publish audio: one not_allowed per second, however many frames.
    for (int i = 0; i < 3; i++) {
      listener.sendBinary(Buffer.buffer(new byte[8192]));
    }
    listener.send(new JsonObject().put("type", "get_participants"));
    listener.expect("participant_page");
    assertEquals(
        1,
        listener.seen("error").stream()
            .filter(e -> "not_allowed".equals(e.getString("code")))
            .count());

    listener.send(new JsonObject().put("type", "broadcast_message").put("message", "still here"));
    host.expect("message_broadcast", m -> "still here".equals(m.getString("message")));
    assertFalse(listener.isClosed());
  }

  @Test
  void aSecondSocketForTheSameUserReplacesTheFirstWithoutLeaveOrJoin() {
    TestSocket host = podium.goLive(node, user("host"));
    String eventId = host.eventId();
    String twiceId = user("twice");
    TestSocket first = podium.join(node, eventId, twiceId);
    first.expect("room_state");
    host.expect("participant_joined", m -> twiceId.equals(m.getString("user_id")));
    host.expect("participant_count", m -> m.getInteger("count") == 2);

    TestSocket second = podium.join(node, eventId, twiceId);
    second.expect("room_state");
    first.expectError("replaced");
    assertEquals(4009, first.awaitClose());
    assertEquals(2, second.expect("participant_count").getInteger("count"));

    // Someone else joins: the host sees that join, and before it no leave or second join of the
    // user.
    String otherId = user("other");
    podium.join(node, eventId, otherId).expect("room_state");
    host.expect("participant_joined", m -> otherId.equals(m.getString("user_id")));
    assertTrue(host.seen("participant_left").isEmpty(), "no leave for a replaced socket");
    assertEquals(
        1,
        host.seen("participant_joined").stream()
            .filter(m -> twiceId.equals(m.getString("user_id")))
            .count());
    JsonObject list = host.expect("participant_list", m -> m.getInteger("total") == 3);
    assertEquals(3, list.getJsonArray("participants").size());
  }

  @Test
  void aDisconnectRemovesTheParticipantAtOnce() {
    TestSocket host = podium.goLive(node, user("host"));
    String eventId = host.eventId();
    String leaverId = user("leaver");
    TestSocket leaver = podium.join(node, eventId, leaverId);
    leaver.expect("room_state");
    host.expect("participant_count", m -> m.getInteger("count") == 2);
    host.drain();

    leaver.close();
    JsonObject left = host.expect("participant_left");
    assertEquals(leaverId, left.getString("user_id"));
    assertEquals(leaverId, left.getString("participant_id"));
    JsonObject list = host.expect("participant_list", m -> m.getInteger("total") == 1);
    assertEquals(1, list.getJsonArray("participants").size());
    host.expect("participant_count", m -> m.getInteger("count") == 1);
  }

  @Test
  void leaveRoomTellsTheRoomAndClosesNormally() {
    TestSocket host = podium.goLive(node, user("host"));
    String leaverId = user("polite");
    TestSocket leaver = podium.join(node, host.eventId(), leaverId);
    leaver.expect("room_state");
    leaver.send(new JsonObject().put("type", "leave_room").put("participant_id", leaverId));
    assertEquals(1000, leaver.awaitClose());
    host.expect("participant_left", m -> leaverId.equals(m.getString("user_id")));
  }

  @Test
  void onlyTheHostEndsTheEventAndEveryoneIsClosed() {
    TestSocket host = podium.goLive(node, user("host"));
    String eventId = host.eventId();
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");

    listener.send(new JsonObject().put("type", "stream_ended").put("event_id", eventId));
    listener.expectError("not_host");
    assertFalse(listener.isClosed());

    host.send(new JsonObject().put("type", "stream_ended").put("event_id", eventId));
    for (TestSocket s : List.of(host, listener)) {
      assertNotNull(s.expect("stream_ended").getString("message"));
      assertEquals(1000, s.awaitClose());
    }
    // The list is the presence owners' cluster copy: the event's owner removes it when the end
    // notice reaches it, moments after the room hears stream_ended (a bounded wait, polled: no
    // message tells a test when the copy changed).
    long deadline = System.currentTimeMillis() + 3_000;
    String body = podium.get(node, "/api/streams").body();
    while (body.contains(eventId) && System.currentTimeMillis() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
      body = podium.get(node, "/api/streams").body();
    }
    assertFalse(body.contains(eventId), "ended event still listed 3 s after its end: " + body);
    TestSocket late = podium.join(node, eventId, user("late"));
    late.expectError("event_not_found");
  }

  @Test
  void aHostWhoReturnsWithinTheGracePeriodKeepsTheEvent() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");

    host.close();
    listener.expect("participant_left", m -> hostId.equals(m.getString("user_id")));
    listener.expect("broadcast_message", m -> m.getString("message").contains("lost connection"));

    TestSocket back = podium.goLive(node, hostId);
    assertEquals(eventId, back.eventId());
    assertTrue(back.streamLink().getBoolean("resumed"));
    assertEquals("host", back.expect("room_state").getJsonObject("you").getString("role"));
    listener.expect("broadcast_message", m -> m.getString("message").contains("back"));
    listener.expect("participant_joined", m -> hostId.equals(m.getString("user_id")));
    assertFalse(listener.isClosed());
  }

  @Test
  void aHostWhoStaysAwayEndsTheEventAfterTheGracePeriod() {
    String hostId = user("host");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    TestSocket listener = podium.join(node, eventId, user("listener"));
    listener.expect("room_state");

    host.close();
    listener.expect("stream_ended");
    assertEquals(1000, listener.awaitClose());

    TestSocket liveHost = podium.goLive(node, hostId);
    assertFalse(eventId.equals(liveHost.eventId()), "a new event after the grace period");
  }

  @Test
  void activeStreamsAreListedOverWebSocketAndHttp() {
    TestSocket watcher = podium.connect(node, "/ws/active-streams/");
    watcher.expect("active_streams");

    String hostId = user("star");
    TestSocket host = podium.goLive(node, hostId);
    String eventId = host.eventId();
    JsonObject update =
        watcher.expect(
            "active_streams",
            m ->
                streamOf(m.getJsonArray("streams"), eventId) != null
                    && streamOf(m.getJsonArray("streams"), eventId).getInteger("participant_count")
                        == 1);
    JsonObject stream = streamOf(update.getJsonArray("streams"), eventId);
    assertEquals(hostId, stream.getJsonObject("host").getString("user_id"));
    assertEquals("audio", stream.getString("mode"));
    assertNotNull(stream.getString("started_at"));

    podium.join(node, eventId, user("fan")).expect("room_state");
    watcher.expect(
        "active_streams",
        m ->
            streamOf(m.getJsonArray("streams"), eventId) != null
                && streamOf(m.getJsonArray("streams"), eventId).getInteger("participant_count")
                    == 2);

    // The watcher and the request may be on different gateway loops; each loop's list follows
    // the same parts, so the request shows the count at most a moment later.
    assertTrue(
        Polls.eventually(
            () -> {
              HttpReply http = podium.get(node, "/api/streams/");
              JsonObject fromHttp =
                  http.status() == 200
                      ? streamOf(new JsonObject(http.body()).getJsonArray("streams"), eventId)
                      : null;
              return fromHttp != null && fromHttp.getInteger("participant_count") == 2;
            },
            5_000),
        "GET /api/streams/ shows both participants");

    host.send(new JsonObject().put("type", "stream_ended"));
    watcher.expect("active_streams", m -> streamOf(m.getJsonArray("streams"), eventId) == null);

    watcher.sendText("hello?");
    watcher.expectError("unknown_type");
  }

  /**
   * An operator reads how long joins take on the server, split by path and outcome: a join that got
   * in, a go-live, and a join refused for an unknown event each land in their own series.
   */
  @Test
  void joinTimesAreOnTheMetricsByPathAndOutcome() {
    TestSocket host = podium.goLive(node, user("host"));
    String listenerId = user("timed");
    podium.join(node, host.eventId(), listenerId).expect("room_state");
    TestSocket lost = podium.join(node, "no-such-event", user("lost"));
    lost.expectError("event_not_found");
    String body = podium.opsGet(node, "/metrics").body();
    for (String series :
        List.of(
            "podium_join_seconds_count{outcome=\"ok\",path=\"join\"}",
            "podium_join_seconds_count{outcome=\"ok\",path=\"go_live\"}",
            "podium_join_seconds_count{outcome=\"event_not_found\",path=\"join\"}",
            "podium_join_seconds_bucket{outcome=\"ok\",path=\"join\",le=\"+Inf\"}")) {
      assertTrue(body.contains(series), series + " missing from /metrics");
    }
    double okJoins = sample(body, "podium_join_seconds_count{outcome=\"ok\",path=\"join\"}");
    double okSeconds = sample(body, "podium_join_seconds_sum{outcome=\"ok\",path=\"join\"}");
    assertTrue(okJoins >= 1, "joins counted: " + okJoins);
    assertTrue(
        sample(body, "podium_join_seconds_count{outcome=\"ok\",path=\"go_live\"}") >= 1,
        "the host's go-live counted");
    assertTrue(
        okSeconds > 0 && okSeconds / okJoins < 10,
        "a join's time is in seconds and plausible: " + okSeconds + " s over " + okJoins);
  }

  /** The value of one Prometheus sample line, by its exact name and labels. */
  private static double sample(String metrics, String series) {
    return metrics
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " missing from /metrics"));
  }

  @Test
  void healthAndUnknownHttpRoutes() {
    HttpReply health = podium.get(node, "/health");
    assertEquals(200, health.status());
    assertEquals(
        new JsonObject().put("status", "up"),
        new JsonObject(health.body()),
        "the client port's /health tells nothing internal");
    HttpReply live = podium.opsGet(node, "/health/live");
    assertEquals(200, live.status());
    HttpReply ready = podium.opsGet(node, "/health/ready");
    assertEquals(200, ready.status(), "ready: " + ready.body());
    assertEquals("UP", new JsonObject(ready.body()).getString("status"));
    HttpReply metrics = podium.opsGet(node, "/metrics");
    assertEquals(200, metrics.status());
    for (String name :
        List.of(
            "podium_gateway_sockets",
            "podium_chat_messages_total",
            "podium_participants",
            "vertx_eventbus",
            "jvm_memory_used_bytes")) {
      assertTrue(metrics.body().contains(name), name + " missing from /metrics");
    }
    for (String opsOnly : List.of("/health/live", "/health/ready", "/metrics")) {
      assertEquals(404, podium.get(node, opsOnly).status(), opsOnly + " on the client port");
    }
    HttpReply missing = podium.get(node, "/api/nothing");
    assertEquals(404, missing.status());
    assertEquals("not_found", new JsonObject(missing.body()).getString("code"));
  }

  static JsonObject streamOf(JsonArray streams, String eventId) {
    for (int i = 0; i < streams.size(); i++) {
      if (eventId.equals(streams.getJsonObject(i).getString("event_id"))) {
        return streams.getJsonObject(i);
      }
    }
    return null;
  }

  @Test
  void aServiceIsNotReadyWhileAServiceItNeedsIsMissing() {
    io.vertx.ext.healthchecks.HealthChecks checks =
        dev.podium.runtime.ops.OpsRoutes.readinessChecks(node);
    var room = dev.podium.api.ReadinessProbes.ROOM;
    dev.podium.runtime.ops.OpsRoutes.requireService(
        checks, node, room.name(), room.address(), room.action(), room.body());
    dev.podium.runtime.ops.OpsRoutes.requireService(
        checks, node, "nobody", "podium.nobody-listens-here", "liveEvents", new JsonObject());
    io.vertx.core.http.HttpServer ops =
        PodiumHarness.await(dev.podium.runtime.ops.OpsRoutes.serve(node, "127.0.0.1", 0, checks));
    try {
      HttpReply ready = podium.getPort(ops.actualPort(), "/health/ready");
      assertEquals(503, ready.status());
      assertTrue(ready.body().contains("\"nobody\""), ready.body());
      assertEquals(200, podium.getPort(ops.actualPort(), "/health/live").status());
    } finally {
      PodiumHarness.await(ops.close());
    }
  }
}
