package dev.podium.gateway.rates;

/**
 * How many messages of one class a user may send: {@code burst} at once, then {@code perMinute} a
 * minute on average.
 */
public record Rate(int perMinute, int burst) {
  public Rate {
    if (perMinute < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "a rate needs perMinute >= 1 and burst >= 1, got " + perMinute + "/" + burst);
    }
  }
}
