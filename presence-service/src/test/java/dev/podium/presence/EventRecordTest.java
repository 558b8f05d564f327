package dev.podium.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.presence.Participant;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventRecordTest {

  @Test
  void participantsComeBackInJoinOrderWithEveryField() {
    List<Participant> members =
        List.of(
            new Participant("l1", "Listener One", Participant.ROLE_LISTENER, true, "node-a", "s1"),
            new Participant("h", "Host", Participant.ROLE_HOST, true, "node-b", "s2"),
            new Participant("guest:x", "Guest", Participant.ROLE_COHOST, false, null, "s3"));
    JsonObject stream = new JsonObject().put("event_id", "e").put("mode", "screen");

    // Through text, as the cluster keeps it.
    JsonObject data = new JsonObject(EventRecord.encode(stream, members).encode());

    List<Participant> back = EventRecord.members(data);
    assertEquals(
        members.stream().map(Participant::toJson).toList(),
        back.stream().map(Participant::toJson).toList());
    assertEquals(stream, EventRecord.stream(data));
  }

  @Test
  void aRecordWithoutItsStreamSaysSo() {
    JsonObject data = EventRecord.encode(null, List.of());
    assertNull(EventRecord.stream(data));
    assertTrue(EventRecord.members(data).isEmpty());
  }

  @Test
  void aThousandListenersFitInAboutAHundredAndTwentyKilobytes() {
    List<Participant> members = new ArrayList<>();
    String node = UUID.randomUUID().toString();
    for (int i = 0; i < 1_000; i++) {
      members.add(
          new Participant(
              "user-" + i,
              "User " + i,
              Participant.ROLE_LISTENER,
              true,
              node,
              UUID.randomUUID().toString()));
    }
    int bytes = EventRecord.encode(null, members).encode().length();
    assertTrue(bytes < 120_000, bytes + " bytes");
  }
}
