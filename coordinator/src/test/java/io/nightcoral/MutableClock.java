package io.nightcoral;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand: {@link #advance} lets time pass (the wall clock and the monotonic
 * {@link #nanos} move together), {@link #step} sets the wall clock alone, as an operator or NTP
 * would.
 */
final class MutableClock extends Clock {
  private volatile Instant now;
  private volatile long nanos = 1_000_000_000L;

  MutableClock(Instant start) {
    this.now = start;
  }

  /** Lets {@code by} pass. */
  void advance(Duration by) {
    now = now.plus(by);
    nanos += by.toNanos();
  }

  /** Steps the wall clock by {@code by} (negative: back), without time passing. */
  void step(Duration by) {
    now = now.plus(by);
  }

  /** The monotonic clock, in nanoseconds. */
  long nanos() {
    return nanos;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
