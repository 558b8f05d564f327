package dev.podium.deploy;

import java.util.OptionalDouble;

/** An HTTP answer in a test: its status and body. */
record HttpReply(int status, String body) {
  /**
   * From a Prometheus text body ({@code /metrics}): the value of the first sample of metric {@code
   * name} whose line contains {@code label} (for example {@code service="room-service"}, or "" for
   * any); empty when there is none yet.
   */
  OptionalDouble metric(String name, String label) {
    for (String line : body.split("\n")) {
      if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label)) {
        return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return OptionalDouble.empty();
  }

  /** The sum of every sample of metric {@code name}, whatever its labels (0 when there is none). */
  double metricSum(String name) {
    return body.lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /**
   * {@code podium_owned_events{service="<service>"}}: the events this process owns; fails when it
   * does not say.
   */
  int ownedEvents(String service) {
    return (int)
        metric("podium_owned_events", "service=\"" + service + "\"")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no podium_owned_events{service=\""
                            + service
                            + "\"} in "
                            + body.length()
                            + " bytes of metrics"));
  }
}
