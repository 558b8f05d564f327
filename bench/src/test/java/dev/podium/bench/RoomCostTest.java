package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoomCostTest {

  @Test
  void oneMoreRoomCostsTheSlopeFromTheSmallestRoomCountSoTheFixedCostDropsOut() {
    // 30 % fixed (fan-out and the JVM), 0.2 % of a core per room.
    List<Double> perRoom =
        RoomCost.marginal(
            List.of(
                new RoomCost.Point(250, 80),
                new RoomCost.Point(1, 30.2),
                new RoomCost.Point(10, 32),
                new RoomCost.Point(100, 50)));
    assertTrue(Double.isNaN(perRoom.get(0)), "the smallest R has no slope of its own");
    assertEquals(0.2, perRoom.get(1), 1e-9);
    assertEquals(0.2, perRoom.get(2), 1e-9);
    assertEquals(0.2, perRoom.get(3), 1e-9, "in rooms order: R = 1, 10, 100, 250");
  }

  @Test
  void anUnknownValueIsSkippedAsTheBaseAndLeftUnknown() {
    List<Double> perRoom =
        RoomCost.marginal(
            List.of(
                new RoomCost.Point(1, Double.NaN),
                new RoomCost.Point(10, 20),
                new RoomCost.Point(50, 60)));
    assertTrue(Double.isNaN(perRoom.get(0)));
    assertTrue(Double.isNaN(perRoom.get(1)), "R = 10 is the base now");
    assertEquals(1.0, perRoom.get(2), 1e-9);
    assertTrue(RoomCost.marginal(List.of(new RoomCost.Point(5, 1))).get(0).isNaN());
  }
}
