package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway left with a minority of the cluster ({@code PODIUM_CLUSTER_EXPECTED_MEMBERS}) tells its
 * sockets to reconnect rather than leave them in rooms that went silent, and refuses new ones until
 * it is back in a majority. Here a cluster expected to have three members runs on two, a majority;
 * when one leaves, the other is alone (1 of 3).
 */
class MinorityGatewayTest {

  @Test
  void aGatewayLeftWithAMinorityToldItsSocketsToReconnectAndRefusesNewOnes() {
    try (PodiumHarness podium =
        new PodiumHarness(
            Map.of("PODIUM_CLUSTER_EXPECTED_MEMBERS", "3", "PODIUM_CLUSTER_PORT", "5893"))) {
      Vertx node = podium.startAllInOne();
      Vertx other = podium.startGatewayOnly();
      TestSocket host = podium.goLive(node, "mina");
      TestSocket listener = podium.join(node, host.eventId(), "milo");
      listener.expect("room_state");

      podium.stop(other);
      JsonObject told = listener.expect("reconnect");
      assertTrue(
          told.getInteger("after_ms") >= 500 && told.getInteger("after_ms") <= 1500, told.encode());
      assertEquals(1012, listener.awaitClose(), "closed as at a restart");
      host.expect("reconnect");
      assertEquals(1012, host.awaitClose());

      // Cut off with a minority: no new socket, and a clear reason.
      TestSocket refused = podium.connect(node, PodiumHarness.joinUri(host.eventId(), "late"));
      refused.expectError("service_unavailable");
      assertEquals(4503, refused.awaitClose());
    }
  }
}
