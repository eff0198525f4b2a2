package io.nightcoral.chaos;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system's UTC clock shifted by an offset that can be stepped while the clock is in use. */
final class SteppedClock extends Clock {
  private volatile long offsetMillis;

  /** Shifts the clock to {@code offset} from the system clock (negative: behind it). */
  void setOffset(Duration offset) {
    offsetMillis = offset.toMillis();
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis;
  }

  @Override
  public Instant instant() {
    return Instant.now().plusMillis(offsetMillis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a stepped clock is always UTC");
  }
}
