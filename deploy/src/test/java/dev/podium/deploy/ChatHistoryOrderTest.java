package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.Addresses;
import dev.podium.api.chat.ChatService;
import dev.podium.gateway.GatewayConfig;
import dev.podium.presence.PresenceConfig;
import dev.podium.presence.PresenceServiceVerticle;
import dev.podium.room.RoomConfig;
import dev.podium.room.RoomServiceVerticle;
import dev.podium.runtime.rooms.RoomChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A joiner whose chat history answers late (a slow cluster read, a partition moving after a member
 * died) still gets every line once and in order: the room's lines that arrive first wait behind its
 * {@code chat_history}, which pages replace their chat with. Seen in the browser failover test,
 * where the host's first line after the crash vanished from the reconnected listener's page.
 *
 * <p>The real room-service, presence-service and gateway, with a chat-service whose history reads
 * the test answers when it chooses; its lines go to the room as the real one publishes them.
 */
class ChatHistoryOrderTest {
  private static PodiumHarness podium;
  private static Vertx node;
  private static final HeldHistoryChat CHAT = new HeldHistoryChat();

  /** Numbers and publishes lines like the chat-service; history reads wait for the test. */
  private static final class HeldHistoryChat implements ChatService {
    private record Read(String eventId, Promise<JsonArray> answer) {}

    private volatile RoomChannel room;
    private final Map<String, List<JsonObject>> lines = new ConcurrentHashMap<>();
    private final List<Read> reads = new CopyOnWriteArrayList<>();

    void bind(Vertx vertx) {
      room = new RoomChannel(vertx);
      new ServiceBinder(vertx).setAddress(Addresses.CHAT_SERVICE).register(ChatService.class, this);
    }

    private List<JsonObject> of(String eventId) {
      return lines.computeIfAbsent(eventId, e -> new CopyOnWriteArrayList<>());
    }

    @Override
    public synchronized Future<JsonObject> post(
        String eventId, String userId, String username, String text) {
      List<JsonObject> event = of(eventId);
      JsonObject line =
          new JsonObject()
              .put("type", "message_broadcast")
              .put("id", (long) event.size() + 1)
              .put("message", text)
              .put("username", username)
              .put("user_id", userId)
              .put("timestamp", "2026-12-04T12:00:00Z");
      event.add(line);
      room.publish(eventId, line);
      return Future.succeededFuture(line);
    }

    @Override
    public Future<JsonArray> history(String eventId) {
      Promise<JsonArray> read = Promise.promise();
      reads.add(new Read(eventId, read));
      return read.future();
    }

    /** The oldest unanswered read, once one came. */
    private Read nextRead() {
      assertTrue(Polls.eventually(() -> !reads.isEmpty(), 10_000), "no history read came");
      return reads.remove(0);
    }

    /** Answers the oldest unanswered read with the first {@code count} lines of its event. */
    void answer(int count) {
      Read read = nextRead();
      JsonArray entries = new JsonArray();
      of(read.eventId())
          .subList(0, count)
          .forEach(l -> entries.add(l.copy().put("type", "chat_message")));
      read.answer().complete(entries);
    }

    void fail() {
      nextRead().answer().fail("the ring is moving");
    }
  }

  @BeforeAll
  static void start() {
    podium = new PodiumHarness(Map.of("PODIUM_CLUSTER_PORT", "5861"));
    node =
        podium.startCustom(
            (vertx, settings) -> {
              CHAT.bind(vertx);
              return vertx
                  .deployVerticle(new RoomServiceVerticle(RoomConfig.from(settings)))
                  .compose(
                      id ->
                          vertx.deployVerticle(
                              new PresenceServiceVerticle(PresenceConfig.from(settings))))
                  .compose(id -> PodiumNode.deployGateway(vertx, GatewayConfig.from(settings)))
                  .map(PodiumNode.Started::httpPort);
            });
  }

  @AfterAll
  static void stop() {
    podium.close();
  }

  /** A host live in a new event, its own (empty) history answered. */
  private static TestSocket liveHost(String user) {
    TestSocket host = podium.goLive(node, user);
    CHAT.answer(0);
    host.expect("chat_history");
    return host;
  }

  /** The chat lines (history entries and live lines) as the page would show them, in order. */
  private static List<Long> chatAsShown(TestSocket socket) {
    List<Long> shown = new ArrayList<>();
    for (JsonObject m : socket.seen()) {
      switch (m.getString("type")) {
        case "chat_history" -> {
          shown.clear();
          m.getJsonArray("messages").forEach(e -> shown.add(((JsonObject) e).getLong("id")));
        }
        case "message_broadcast" -> shown.add(m.getLong("id"));
        default -> {}
      }
    }
    return shown;
  }

  @Test
  void linesSentWhileAJoinersHistoryIsReadFollowItOnceAndInOrder() {
    TestSocket host = liveHost("hana");
    String eventId = host.eventId();
    host.send(new JsonObject().put("type", "broadcast_message").put("message", "one"));
    host.expect("message_broadcast", m -> m.getLong("id") == 1);

    TestSocket late = podium.join(node, eventId, "lee");
    late.expect("room_state");
    host.send(new JsonObject().put("type", "broadcast_message").put("message", "two"));
    // The joiner's own line, sent before its history answered.
    late.send(new JsonObject().put("type", "broadcast_message").put("message", "three"));
    host.expect("message_broadcast", m -> m.getLong("id") == 3);
    // The history read was made before line three was stored: it holds one and two.
    CHAT.answer(2);
    JsonObject history = late.expect("chat_history");
    late.expect("message_broadcast", m -> m.getLong("id") == 3);
    host.send(new JsonObject().put("type", "broadcast_message").put("message", "four"));
    late.expect("message_broadcast", m -> m.getLong("id") == 4);

    assertEquals(List.of(1L, 2L, 3L, 4L), chatAsShown(late), "seen: " + late.seen());
    assertEquals(
        List.of(1L),
        history.getJsonArray("messages").stream().map(e -> ((JsonObject) e).getLong("id")).toList(),
        "the history stops before the first line the joiner received live");
    assertEquals(
        List.of(2L, 3L, 4L),
        late.seen("message_broadcast").stream().map(m -> m.getLong("id")).toList(),
        "every line the joiner received live is written live, its own included, and only once");
  }

  @Test
  void aHistoryThatCannotBeReadReleasesTheHeldLinesAfterItsError() {
    TestSocket host = liveHost("kai");
    String eventId = host.eventId();

    TestSocket late = podium.join(node, eventId, "lin");
    late.expect("room_state");
    host.send(new JsonObject().put("type", "broadcast_message").put("message", "hello"));
    host.expect("message_broadcast");
    assertTrue(
        late.seen("message_broadcast").isEmpty(),
        "no line before the history's answer: " + late.seen());
    CHAT.fail();
    late.expectError("service_unavailable");
    JsonObject line = late.expect("message_broadcast");
    assertEquals(1, line.getLong("id"));
    assertTrue(late.isOpen(), "the joiner stays connected");
  }

  @Test
  void aFloodOfLinesWhileTheHistoryIsReadKeepsTheNewestHeldAndTheJoinerConnected() {
    TestSocket host = liveHost("mo");
    String eventId = host.eventId();
    CHAT.post(eventId, "mo", "mo", "before the join");
    CHAT.post(eventId, "mo", "mo", "also before the join");
    TestSocket late = podium.join(node, eventId, "max");
    late.expect("room_state");
    int inHistory = 2;
    int flood = 300;
    for (int i = 0; i < flood; i++) {
      CHAT.post(eventId, "mo", "mo", "line " + i);
    }
    long last = inHistory + flood;
    host.expect("message_broadcast", m -> m.getLong("id") == last);
    CHAT.answer(inHistory);
    late.expect("chat_history");
    late.expect("message_broadcast", m -> m.getLong("id") == last);
    List<Long> live = late.seen("message_broadcast").stream().map(m -> m.getLong("id")).toList();
    assertEquals(256, live.size(), "the newest 256 held lines follow the history");
    assertEquals(last - 255, live.get(0));
    assertTrue(late.isOpen(), "the joiner stays connected");
  }
}
