package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayHealthTest {

  @Test
  void readsTheMediaCountersOfHealth() {
    GatewayHealth.Counters c = GatewayHealth.parse("{\"status\":\"up\",\"node_id\":\"n\",\"clustered\":true,"
        + "\"media\":{\"frames_delivered\":1234,\"frames_dropped\":2,\"packets_received\":56}}");
    assertEquals(new GatewayHealth.Counters(56, 1234, 2), c);
    assertNull(GatewayHealth.parse("{\"status\":\"up\"}"));
    assertNull(GatewayHealth.parse("floor\n"));
  }

  @Test
  void countsWhatHappenedBetweenTwoReadsAndNothingWhereAReadFailed() {
    List<GatewayHealth.Counters> before = Arrays.asList(new GatewayHealth.Counters(10, 100, 0), null,
        new GatewayHealth.Counters(5, 5, 5));
    List<GatewayHealth.Counters> after = Arrays.asList(new GatewayHealth.Counters(360, 3600, 1),
        new GatewayHealth.Counters(1, 1, 1), null);
    List<GatewayHealth.Counters> during = GatewayHealth.during(before, after);
    assertEquals(new GatewayHealth.Counters(350, 3500, 1), during.get(0));
    assertNull(during.get(1));
    assertNull(during.get(2));
  }
}
