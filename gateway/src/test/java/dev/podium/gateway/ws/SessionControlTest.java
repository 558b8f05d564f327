package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.podium.api.ErrorCode;
import dev.podium.api.GatewayControl;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A control message another service got wrong is logged and dropped; the consumer carries on. */
class SessionControlTest {
  private final List<String> lookedUp = new ArrayList<>();
  private final SessionControl control =
      new SessionControl(
          id -> {
            lookedUp.add(id);
            return Optional.empty();
          });
  private final Logger logger = (Logger) LoggerFactory.getLogger(SessionControl.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void aMalformedOrUnknownControlMessageIsLoggedAndIgnored() {
    List<Object> bad =
        List.of(
            new JsonObject().put("action", "explode").put("session_id", "s"),
            new JsonObject().put("action", "close_session"),
            new JsonObject().put("action", "deliver").put("session_id", "s").put("message", 5),
            "not an object");
    for (Object body : bad) {
      control.handle(body);
    }
    assertEquals(List.of(), lookedUp, "nothing was acted on");
    assertEquals(bad.size(), logged.list.size(), "one warning each: " + logged.list);
    logged.list.forEach(
        e -> {
          assertEquals(Level.WARN, e.getLevel());
          assertTrue(
              e.getFormattedMessage().startsWith("ignored a control message: "),
              e.getFormattedMessage());
        });
    assertTrue(
        logged.list.get(0).getFormattedMessage().contains("unknown control action explode"),
        logged.list.get(0).getFormattedMessage());
  }

  @Test
  void aControlMessageForASessionThatIsGoneChangesNothing() {
    control.handle(new GatewayControl.CloseSession("gone", ErrorCode.REPLACED, "m").toJson());
    control.handle(new GatewayControl.Deliver("gone", new JsonObject().put("type", "x")).toJson());
    assertEquals(List.of("gone", "gone"), lookedUp);
    assertEquals(List.of(), logged.list);
  }
}
