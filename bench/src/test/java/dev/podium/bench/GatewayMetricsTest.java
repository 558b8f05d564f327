package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

  @Test
  void readsTheMediaCountersOfThePrometheusText() {
    GatewayMetrics.Counters c =
        GatewayMetrics.parse(
            """
        # HELP podium_media_packets_in_total
        # TYPE podium_media_packets_in_total counter
        podium_media_packets_in_total 56.0
        podium_media_frames_out_total 1234.0
        podium_media_frames_dropped_total{reason="socket_behind"} 2.0
        podium_media_frames_dropped_total_created 1.7E9
        podium_gateway_sockets 3.0
        """);
    assertEquals(new GatewayMetrics.Counters(56, 1234, 2), c);
    assertNull(GatewayMetrics.parse("podium_gateway_sockets 3.0\n"));
    assertNull(GatewayMetrics.parse("{\"status\":\"up\"}"));
    assertNull(GatewayMetrics.parse("floor\n"));
  }

  @Test
  void countsWhatHappenedBetweenTwoReadsAndNothingWhereAReadFailed() {
    List<GatewayMetrics.Counters> before =
        Arrays.asList(
            new GatewayMetrics.Counters(10, 100, 0), null, new GatewayMetrics.Counters(5, 5, 5));
    List<GatewayMetrics.Counters> after =
        Arrays.asList(
            new GatewayMetrics.Counters(360, 3600, 1), new GatewayMetrics.Counters(1, 1, 1), null);
    List<GatewayMetrics.Counters> during = GatewayMetrics.during(before, after);
    assertEquals(new GatewayMetrics.Counters(350, 3500, 1), during.get(0));
    assertNull(during.get(1));
    assertNull(during.get(2));
  }

  @Test
  void theServersJoinTimesAreTheBucketsOfJoinsThatGotInBetweenTwoReads() {
    GatewayMetrics.JoinHistogram before =
        GatewayMetrics.parseJoins(
            """
        podium_join_seconds_bucket{outcome="ok",path="join",le="0.001"} 1.0
        podium_join_seconds_bucket{outcome="ok",path="join",le="0.01"} 2.0
        podium_join_seconds_bucket{outcome="ok",path="join",le="0.1"} 2.0
        podium_join_seconds_bucket{outcome="ok",path="join",le="+Inf"} 2.0
        podium_join_seconds_bucket{outcome="event_not_found",path="join",le="+Inf"} 7.0
        podium_join_seconds_bucket{outcome="ok",path="go_live",le="+Inf"} 5.0
        """);
    GatewayMetrics.JoinHistogram after =
        GatewayMetrics.parseJoins(
            """
        podium_join_seconds_bucket{outcome="ok",path="join",le="0.001"} 1.0
        podium_join_seconds_bucket{outcome="ok",path="join",le="0.01"} 92.0
        podium_join_seconds_bucket{outcome="ok",path="join",le="0.1"} 101.0
        podium_join_seconds_bucket{outcome="ok",path="join",le="+Inf"} 102.0
        podium_join_seconds_bucket{outcome="event_not_found",path="join",le="+Inf"} 9.0
        """);
    GatewayMetrics.JoinHistogram during = after.since(before);
    assertEquals(100, during.count(), "refusals and go-lives are not joins");
    assertEquals(10.0, during.quantileMs(0.5), 1e-9);
    assertEquals(100.0, during.quantileMs(0.99), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, during.quantileMs(1.0));
    assertNull(before.since(before).quantileMs(0.5), "no joins: no quantile");
  }
}
