package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnershipLogTest {
  private static final String OWNS =
      "19:10:01.250 INFO  [vert.x-eventloop-thread-1] d.p.room.RoomServiceImpl event_id=\"%s\"%s"
          + " - room-service owns event\n";
  private static final String MOVED =
      "19:10:04.000 INFO  [vert.x-eventloop-thread-1] d.p.room.RoomServiceImpl"
          + " event_id=\"%s\" - room-service no longer owns event: it moved\n";

  @Test
  void theLatestWordAboutAnEventDecidesWhetherThisInstanceOwnsIt() {
    OwnershipLog log = new OwnershipLog(Path.of("unused"));
    log.accept(
        String.format(OWNS, "e1", "")
            + String.format(OWNS, "e2", " epoch=\"2\"")
            + "19:10:02.000 INFO  [main] d.p.runtime.Launcher - room-service started\n"
            + String.format(MOVED, "e1"));
    assertFalse(log.owns("e1"), "it said it no longer owns e1");
    assertTrue(log.owns("e2"));
    assertFalse(log.owns("e3"), "never mentioned");
    assertEquals(Set.of("e2"), log.owned());
    assertEquals(LocalTime.of(19, 10, 1, 250_000_000), log.word("e2").at());
    log.accept(String.format(OWNS, "e1", " epoch=\"3\""));
    assertTrue(log.owns("e1"), "taken back");
  }

  @Test
  void aLineStillBeingWrittenIsReadOnceItsNewlineArrives(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("room-service-1.log");
    OwnershipLog log = new OwnershipLog(file);
    log.refresh(); // no file yet: nothing, no error
    String line = String.format(OWNS, "e1", "");
    Files.writeString(file, line.substring(0, 40), StandardCharsets.UTF_8);
    log.refresh();
    assertFalse(log.owns("e1"), "half a line is not read");
    Files.writeString(file, line.substring(40), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    log.refresh();
    assertTrue(log.owns("e1"));
    int mark = log.mark();
    Files.writeString(
        file,
        "19:11:00.000 WARN  [tick] d.p.r.o.ServiceOwnership service=\"room-service\" - room-service"
            + " stepped down: this process stood still for 15012 ms; owning nothing for 6000 ms\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    log.refresh();
    assertEquals(1, log.linesSince(mark, "stepped down").size());
    assertTrue(
        log.linesSince(log.mark(), "stepped down").isEmpty(), "nothing after the latest mark");
    assertEquals(
        List.of(), log.linesSince(0, "stepped down", "e1"), "every fragment must be on the line");
  }

  @Test
  void anEscapedQuoteStaysInsideTheEventId() {
    OwnershipLog log = new OwnershipLog(Path.of("unused"));
    log.accept(String.format(OWNS, "a\\\"b", ""));
    assertTrue(log.owns("a\\\"b"));
    assertNull(OwnershipLog.timeOf("not a log line"));
  }

  @Test
  void theKilledMembersAreDroppedWhenTheLastOfThemIsSaidToHaveLeft() {
    String left =
        "%s INFO  [hz.x.event-2] d.p.r.m.ClusterWatch  - cluster member left or lost:"
            + " 127.0.0.1:%d; now 8 member(s) [127.0.0.1:6402, 127.0.0.1:64010]";
    List<String> lines =
        List.of(
            String.format(left, "19:07:25.668", 6401),
            "19:07:25.669 WARN  [hz.x.cached-1] c.h.i.c.i.MembershipManager - 127.0.0.1:6405 suspected",
            String.format(left, "19:07:25.902", 6405),
            String.format(left, "19:07:40.000", 6401));
    assertEquals(
        LocalTime.of(19, 7, 25, 902_000_000), OwnershipLog.lastLeft(lines, List.of(6401, 6405)));
    assertEquals(LocalTime.of(19, 7, 25, 668_000_000), OwnershipLog.lastLeft(lines, List.of(6401)));
    assertNull(OwnershipLog.lastLeft(lines, List.of(6401, 6403)), "6403 never left");
    assertNull(
        OwnershipLog.lastLeft(lines, List.of(640)),
        "a port is matched whole: 640 is not 6401, nor 64010");
  }
}
