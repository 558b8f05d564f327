package dev.podium.gateway.ws;

import dev.podium.api.GatewayControl;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's control address ({@code podium.gateway.control.<nodeId>}): what another service asks
 * of one of this node's sessions ({@link GatewayControl}). The action runs on the session's own
 * loop. A body that is not a control message is logged and dropped: it comes from another service,
 * and one bad message must not take the consumer down.
 */
public final class SessionControl {
  private static final Logger LOG = LoggerFactory.getLogger(SessionControl.class);

  private final Function<String, Optional<Session>> sessions;

  /**
   * @param sessions this node's sessions by id ({@link ConnectedSessions#get})
   */
  public SessionControl(Function<String, Optional<Session>> sessions) {
    this.sessions = sessions;
  }

  public void handle(Object body) {
    GatewayControl control;
    try {
      control = GatewayControl.fromJson(body);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignored a control message: {}", e.getMessage());
      return;
    }
    // A session that closed meanwhile needs nothing more.
    sessions
        .apply(control.sessionId())
        .ifPresent(
            s -> {
              if (control instanceof GatewayControl.CloseSession close) {
                s.run(() -> s.close(close.code(), close.message()));
              } else if (control instanceof GatewayControl.Deliver deliver) {
                String text = deliver.message().encode();
                s.run(() -> s.sendText(text));
              }
            });
  }
}
