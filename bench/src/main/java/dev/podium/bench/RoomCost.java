package dev.podium.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cost of one more room, from runs at several room counts of one target and listener count:
 * (value at R - value at the smallest R) / (R - smallest R), so the server's fixed cost (and, with
 * listeners, the fan-out that stays the same whatever R) drops out. One run's value divided by R
 * still carries that fixed cost, which at small R dominates.
 */
final class RoomCost {
  private RoomCost() {}

  /** A (median) value measured at {@code rooms} rooms. */
  record Point(int rooms, double value) {}

  /**
   * Per point, in rooms order: the marginal cost per room against the smallest R; NaN for that row
   * itself or unknown values.
   */
  static List<Double> marginal(List<Point> points) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingInt(Point::rooms));
    Point base = sorted.stream().filter(p -> !Double.isNaN(p.value())).findFirst().orElse(null);
    List<Double> out = new ArrayList<>();
    for (Point p : sorted) {
      if (base == null || p.rooms() <= base.rooms() || Double.isNaN(p.value())) {
        out.add(Double.NaN);
      } else {
        out.add((p.value() - base.value()) / (p.rooms() - base.rooms()));
      }
    }
    return out;
  }
}
