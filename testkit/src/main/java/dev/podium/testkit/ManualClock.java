package dev.podium.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The tests' one clock: it moves only when the test moves it. It is both a wall clock ({@link
 * Clock}, for code that takes a {@code Clock}) and a monotonic nanosecond source ({@link
 * LongSupplier}, for code that takes {@code System::nanoTime}); both move together. The nanosecond
 * count starts far from zero, as {@code System.nanoTime()} does, so code that wrongly treats 0 as
 * "never" is caught.
 */
public final class ManualClock extends Clock implements LongSupplier {
  /** Where the nanosecond count starts. */
  public static final long NANOS_START = 5_555_000_000_321L;

  private Instant wall;
  private long nanos = NANOS_START;

  /** A clock whose wall time is {@code start}. */
  public ManualClock(Instant start) {
    this.wall = start;
  }

  /** A clock at 2026-01-01T00:00:00Z. */
  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Moves both times forward. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + by);
    }
    wall = wall.plus(by);
    nanos += by.toNanos();
  }

  /**
   * Moves both times forward by a (possibly fractional) number of milliseconds, rounded to the
   * nanosecond.
   */
  public void advanceMillis(double ms) {
    advance(Duration.ofNanos(Math.round(ms * 1_000_000)));
  }

  /** Moves both times forward to the nanosecond count {@code to}; nothing if it is not later. */
  public void advanceToNanos(long to) {
    if (to > nanos) {
      advance(Duration.ofNanos(to - nanos));
    }
  }

  /** The monotonic time, in nanoseconds. */
  public long nanos() {
    return nanos;
  }

  @Override
  public long getAsLong() {
    return nanos;
  }

  @Override
  public Instant instant() {
    return wall;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
